export { default } from '@gatehouse/api/src/test/global-setup.js';
