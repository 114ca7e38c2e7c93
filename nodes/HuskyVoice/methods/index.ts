import { searchBranches, searchServices } from './listSearch';

export const listSearch = { searchBranches, searchServices };
