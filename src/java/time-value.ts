import { ElasticsearchException } from '../errors/elasticsearch-exception';

const NANOS_PER: Record<string, number> = {
  nanos: 1,
  micros: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
};

/** A duration as Elasticsearch's `TimeValue` holds it; -1 means "no timeout". */
export class TimeValue {
  private constructor(readonly nanos: number) {}

  static ofMillis(ms: number): TimeValue {
    return new TimeValue(ms * 1e6);
  }

  get millis(): number {
    return this.nanos < 0 ? -1 : Math.floor(this.nanos / 1e6);
  }

  /** `TimeValue.parseTimeValue(value, settingName)`. */
  static parse(value: string, settingName: string): TimeValue {
    const normalized = value.trim().toLowerCase();
    if (normalized === '-1') return new TimeValue(-1);
    if (normalized === '0') return new TimeValue(0);
    const match = /^(.*?)(nanos|micros|ms|s|m|h|d)$/.exec(normalized);
    if (!match) {
      throw new ElasticsearchException(
        400,
        'parse_exception',
        `failed to parse setting [${settingName}] with value [${value}] as a time value: unit is missing or unrecognized`,
      );
    }
    const amount = match[1].trim();
    if (!/^-?\d+(\.\d+)?$/.test(amount)) {
      throw new ElasticsearchException(400, 'parse_exception', `failed to parse [${value}]`);
    }
    const number = Number(amount);
    if (number < 0 && number !== -1) {
      throw new ElasticsearchException(
        400,
        'illegal_argument_exception',
        `failed to parse setting [${settingName}] with value [${value}] as a time value: negative durations are not supported`,
      );
    }
    return new TimeValue(number < 0 ? -1 : number * NANOS_PER[match[2]]);
  }

  /** `TimeValue.toString()`: the largest whole unit, with one truncated fraction digit. */
  toString(): string {
    if (this.nanos < 0) return String(this.nanos);
    if (this.nanos === 0) return '0s';
    const unit = (['d', 'h', 'm', 's', 'ms', 'micros'] as const).find((u) => this.nanos >= NANOS_PER[u]) ?? 'nanos';
    return format1Decimals(this.nanos / NANOS_PER[unit], unit);
  }
}

function format1Decimals(value: number, suffix: string): string {
  const truncated = Math.trunc(value * 10) / 10;
  return Number.isInteger(truncated) ? `${truncated}${suffix}` : `${truncated.toFixed(1)}${suffix}`;
}
