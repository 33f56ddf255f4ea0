export { apiGlobalSetup as default } from '@gatehouse/api/testing';
