/**
 * historyToJSON / historyFromJSON as in @temporalio/common/lib/proto-utils, bound to the protobufjs
 * copy that @temporalio/proto's types belong to. With this install's lockfile, common and proto
 * each get their own nested protobufjs 8 (a root protobufjs 7 for @grpc/proto-loader blocks hoisting),
 * so the SDK's helpers fail with "type must be a Type" (an instanceof across the two copies).
 * Same Temporal JSON format (what `temporal workflow show --output json` writes).
 */
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History | null;
}

const require = createRequire(import.meta.url);
const fromProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = fromProto('protobufjs/ext/protojson') as ProtoJson;
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot(root: unknown): { lookupType(name: string): unknown };
};
const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

export function historyToJSON(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

export function historyFromJSON(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('invalid history JSON');
  return history;
}
