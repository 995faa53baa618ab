import { ROOT_CONTEXT, type Context, defaultTextMapGetter, propagation } from "@opentelemetry/api";
import { W3CBaggagePropagator } from "@opentelemetry/core";

/** The baggage entries OpenTelemetry's own W3C propagator extracts from a `baggage` header. */
export function otelBaggage(header: string | string[]): Record<string, string> {
  const context: Context = new W3CBaggagePropagator().extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter);
  const entries = propagation.getBaggage(context)?.getAllEntries() ?? [];
  return Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]));
}
