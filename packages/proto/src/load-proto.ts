import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { gomrDescriptor } from './generated/descriptor.js';
import type { ProtoGrpcType } from './generated/gomr.js';

/**
 * How messages become objects, for every peer, matching the generated types: camelCase field
 * names (the embedded descriptor has them), int64 as number, enums as their names, defaults
 * filled in, the set field of a oneof named.
 */
export const PROTO_OPTIONS: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** What loadGomrProto gives: the Master service's client constructor, carrying `.service`. */
export interface GomrProto {
  gomr: { Master: ProtoGrpcType['gomr']['Master'] };
}

let cached: GomrProto | undefined;

/**
 * The gomr.Master service, built from the descriptor embedded at generation time with
 * protobufjs's light build: the same (de)serialisers @grpc/proto-loader makes (fromObject +
 * encode; decode + toObject with PROTO_OPTIONS), without proto-loader's reflection
 * descriptors, which cost every gomr process ~100 ms at start-up.
 */
export function loadGomrProto(): GomrProto {
  if (cached) return cached;
  const root = protobuf.Root.fromJSON(gomrDescriptor as protobuf.INamespace).resolveAll();
  const service = root.lookupService('gomr.Master');
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    const req = method.resolvedRequestType!;
    const res = method.resolvedResponseType!;
    const originalName = method.name[0]!.toLowerCase() + method.name.slice(1);
    definition[method.name] = {
      path: `/gomr.Master/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: (value: object) => Buffer.from(req.encode(req.fromObject(value)).finish()),
      requestDeserialize: (bytes: Buffer) => req.toObject(req.decode(bytes), PROTO_OPTIONS),
      responseSerialize: (value: object) => Buffer.from(res.encode(res.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => res.toObject(res.decode(bytes), PROTO_OPTIONS),
      originalName,
    };
  }
  const Master = grpc.makeGenericClientConstructor(definition, 'Master') as unknown as GomrProto['gomr']['Master'];
  cached = { gomr: { Master } };
  return cached;
}
