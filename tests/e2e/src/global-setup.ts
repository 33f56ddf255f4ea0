import { createPostgresGlobalSetup } from '@gatehouse/db/testing';

export default createPostgresGlobalSetup();
