import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { gomrDescriptor } from './generated/descriptor.js';
import type { ProtoGrpcType } from './generated/gomr.js';

/** One set of loader options for every peer, matching the generated types. */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: ProtoGrpcType | undefined;

/** The gomr package, built from the descriptor embedded at generation time (no file I/O). */
export function loadGomrProto(): ProtoGrpcType {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.fromJSON(gomrDescriptor as Parameters<typeof protoLoader.fromJSON>[0], PROTO_OPTIONS),
  ) as unknown as ProtoGrpcType;
  return cached;
}
