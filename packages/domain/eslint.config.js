import { base, domainBoundaries } from '@gatehouse/config/eslint';

export default [...base, domainBoundaries];
