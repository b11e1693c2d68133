import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStorageConfig } from '../src/storage-config-schema.js';

test('parseStorageConfig takes a config or its JSON', () => {
  const s3 = { kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'gomr', accessKey: 'AK', secretKey: 'SK', region: 'eu-west-1' };
  assert.deepEqual(parseStorageConfig(s3, 'x'), s3);
  assert.deepEqual(parseStorageConfig('{"kind":"local","root":"/var/gomr"}', 'x'), { kind: 'local', root: '/var/gomr' });
});

test('parseStorageConfig fails in one line naming where and the field', () => {
  assert.throws(() => parseStorageConfig('{"kind":"s3","endpoint":"http://h","bucket":"b","accessKey":"","secretKey":"s"}', 'GOMR_STORAGE_JSON'), {
    message: /^GOMR_STORAGE_JSON: accessKey: [^\n]+$/,
  });
  assert.throws(() => parseStorageConfig({ kind: 'ftp' }, 'spec.json: storage'), { message: /^spec\.json: storage: kind: / });
  assert.throws(() => parseStorageConfig('{not json', 'GOMR_INPUT_STORAGE_JSON'), { message: /^GOMR_INPUT_STORAGE_JSON: not JSON \(/ });
});
