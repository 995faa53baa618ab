/** @lanes/lane-context: keeps a request in its lane through every service it calls. */
export * from "./protocol";
export { parseTraceparent, formatTraceparent, newTraceparent, newTraceId, newParentId, type Traceparent } from "./traceparent";
export { parseTracestate, formatTracestate, laneFromCtxValue, type ParsedTracestate } from "./tracestate";
export { parseBaggage, formatBaggage, type ParsedBaggage } from "./baggage";
export { headerValue, type HeaderSource, type HeaderGetter, type HeaderRecord, type HeaderValue } from "./header-values";
export {
  readLane,
  readLaneFromValues,
  laneReadCounters,
  newLaneReadCounters,
  type LaneRead,
  type LaneSource,
  type LaneDisagreement,
  type LaneReadCounters,
  type ReadOptions,
} from "./read";
export {
  laneHeaders,
  laneHeadersFromRead,
  laneToWrite,
  assertLane,
  LaneNameError,
  LANE_HEADER_NAMES,
  type LaneHeaders,
  type LaneWriteInput,
} from "./write";
export { LaneContext, laneStorage, runWithLaneContext, runWithLane, currentLaneContext, currentLane } from "./context";
export { withLaneContext, laneMiddleware, markServedBy } from "./http";
export { laneFetch, injectLaneHeaders } from "./fetch";
export {
  LanePropagator,
  LANE_CONTEXT_KEY,
  getLane,
  setLane,
  type LanePropagatorOptions,
  type OtelContext,
  type OtelTextMapGetter,
  type OtelTextMapSetter,
  type OtelTextMapPropagator,
} from "./otel";
export {
  withLaneAttribute,
  withLaneAttributeBatch,
  withLaneAttributeName,
  laneFromSqsMessage,
  runWithSqsMessageLane,
  LaneAttributeLimitError,
  type SqsMessageAttributeValue,
  type SqsMessageAttributes,
  type SqsMessageLike,
  type SqsLaneLogEntry,
  type SqsLaneOptions,
  type WithMessageAttributes,
  type WithLaneAttribute,
} from "./sqs";
export {
  LaneDiscovery,
  NoHealthyInstanceError,
  ECS_SERVICE_NAME_ATTRIBUTE,
  type Discovered,
  type DiscoveredInstance,
  type DiscoverInstancesInput,
  type DiscoverInstancesOutput,
  type LaneDiscoveryOptions,
} from "./discovery";
