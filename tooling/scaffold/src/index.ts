export { scaffoldVariant } from './scaffold.js';
export type { ScaffoldOptions, ScaffoldResult } from './scaffold.js';
export { names } from './names.js';
