// Temporal's own history JSON (what `temporal workflow show --output json` writes), as
// @temporalio/common/lib/proto-utils historyToJSON/historyFromJSON produce it — but bound to the
// protobufjs copy @temporalio/proto's types belong to: this install nests a second protobufjs under
// @temporalio/common, and the SDK helpers then fail with "type must be a Type".
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import type { History } from './histories';

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

/** The history as Temporal's JSON value (event ids as strings, enums by name). */
export function historyToJSONValue(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyToJSON(history: History): string {
  return JSON.stringify(historyToJSONValue(history));
}

export function historyFromJSON(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('invalid history JSON');
  return history;
}
