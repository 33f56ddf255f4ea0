import { base } from '@gatehouse/config/eslint';

export default base;
