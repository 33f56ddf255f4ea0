import { appBoundaries, base } from '@gatehouse/config/eslint';

export default [...base, appBoundaries];
