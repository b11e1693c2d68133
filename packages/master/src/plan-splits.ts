// The split planner lives in @gomr/storage so that the SDK's in-process runner (runJob) plans
// exactly as the master does without depending on the master.
export { planSplits, splitInputs, type Split, type SplitInput } from '@gomr/storage';
