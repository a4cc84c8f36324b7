// Reading tabular datasets: previews from the head, a head check at registration, and profiles in a worker.
export type { ColumnProfile, DatasetPreview, TabularOptions } from '../../../../shared/api/datasetTypes';
export { checkTableHead, HEAD_CHECK_ROWS } from './headCheck';
export { previewTable } from './preview';
export { profileFiles, type ProfileProgress, type TableProfile } from './profile';
export { profileTable, profileWorkerScript } from './profileTable';
export type { TableFile } from './tableFile';
