export { segment, provisionLabel, type Provision, type ProvisionKind } from './segment.ts';
export { assignIds, initialIds, trackHistory, baseId, slugify, stripNumbering, headingCore, type Match, type Assignment, type History } from './match.ts';
