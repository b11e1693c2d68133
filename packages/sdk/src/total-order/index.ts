export { pickCutPoints, rangePartition } from './cut-points.js';
export { sampleKeys, SAMPLE_BYTES_PER_SPLIT, MAX_SAMPLE_KEYS, type SampleOptions } from './sample-keys.js';
