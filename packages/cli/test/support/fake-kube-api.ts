/**
 * The fake Kubernetes API server the kube tests use; it lives in fake-cluster/ (one file per
 * controller). Re-exported here for the tests that import it by this name.
 */
export { FakeKubeApi, type FakeKubeOptions, type RecordedRequest } from './fake-cluster/api-server.js';
