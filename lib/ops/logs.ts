/**
 * A lane's logs. Every lane's tasks log to the service's group `/ecs/{env}/{service}` under the
 * stream prefix `{lane}` (streams `{lane}/{container}/{task-id}`), so the lane's streams are the
 * ones starting `{lane}/`: the slash keeps `gray` from reading `gray2`. Events come newest last;
 * `follow` keeps polling from the last event seen (each event printed once) until stopped.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient, type FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { laneNames, serviceNames } from "../naming";

export interface LogLine {
  readonly timestamp: number;
  readonly stream: string;
  readonly message: string;
}

export interface LogsQuery {
  readonly service: string;
  readonly env: string;
  readonly lane: string;
  /** Events at or after this time (ms since the epoch). */
  readonly startTime: number;
}

/** The log group and stream prefix a lane's events are read with. */
export function laneLogLocation(service: string, env: string, lane: string): { logGroupName: string; logStreamNamePrefix: string } {
  return { logGroupName: serviceNames(service, env).logGroup, logStreamNamePrefix: `${laneNames(service, env, lane).logStreamPrefix}/` };
}

function byTime(a: FilteredLogEvent, b: FilteredLogEvent): number {
  return (a.timestamp ?? 0) - (b.timestamp ?? 0) || (a.ingestionTime ?? 0) - (b.ingestionTime ?? 0);
}

/** The lane's events since `startTime`, every page, oldest first; `seen` (event ids) are skipped and extended. */
export async function readLaneLogs(logs: CloudWatchLogsClient, query: LogsQuery, seen: Set<string> = new Set()): Promise<LogLine[]> {
  const where = laneLogLocation(query.service, query.env, query.lane);
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ ...where, startTime: query.startTime, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events
    .filter((e) => !(e.eventId && seen.has(e.eventId)))
    .sort(byTime)
    .map((e) => {
      if (e.eventId) seen.add(e.eventId);
      return { timestamp: e.timestamp ?? 0, stream: e.logStreamName ?? "", message: (e.message ?? "").replace(/\n$/, "") };
    });
}

export function formatLogLine(line: LogLine): string {
  return `${new Date(line.timestamp).toISOString()} ${line.stream} ${line.message}`;
}

/**
 * Prints the lane's events since `query.startTime`, then (with `follow`) polls every
 * `intervalMs` for newer ones until `signal` aborts. Returns how many events were printed.
 */
export async function streamLaneLogs(
  logs: CloudWatchLogsClient,
  query: LogsQuery,
  options: { readonly follow: boolean; readonly intervalMs: number; readonly signal?: AbortSignal; readonly sleep: (ms: number) => Promise<void>; readonly write: (line: string) => void },
): Promise<number> {
  const seen = new Set<string>();
  let from = query.startTime;
  let printed = 0;
  for (;;) {
    const lines = await readLaneLogs(logs, { ...query, startTime: from }, seen);
    for (const line of lines) options.write(formatLogLine(line));
    printed += lines.length;
    // Events of the same millisecond may still arrive: ask again from the last one (ids dedupe).
    if (lines.length > 0) from = lines[lines.length - 1]!.timestamp;
    if (!options.follow || options.signal?.aborted) return printed;
    await options.sleep(options.intervalMs);
    if (options.signal?.aborted) return printed;
  }
}
