import cf from 'cloudfront';
import crypto from 'crypto';

// Lanes edge, viewer request (runtime cloudfront-js-2.0, KeyValueStore key RULES_KEY).
// Picks the request's lane and carries it to the ALB as the tracestate member
// ctx=lane:{lane}; tells viewer-response.js whether to set the sticky cookie through
// the request headers x-lanes-*. Never throws: any failure means the default lane.
// Kept to what the runtime documents: const/let, arrow functions, plain for loops,
// indexOf, no optional chaining, destructuring or spread; crypto.createHash.
// Function code (comments included) must stay under 10 KB.

// @protocol DEFAULT_LANE TRACESTATE_KEY LANE_VALUE_PREFIX LANE_PATTERN MAX_LANE_LENGTH TRACESTATE_MAX_MEMBERS TRACESTATE_MAX_LENGTH TRACESTATE_LARGE_MEMBER RULES_KEY RULES_DEFAULT_COOKIE_NAME RULES_DEFAULT_COOKIE_MAX_AGE RULES_MIN_COOKIE_MAX_AGE RULES_MAX_COOKIE_MAX_AGE COOKIE_NAME_PATTERN
// W3C Trace Context: list member key and value.
const KEY_RE = /^(?:[a-z0-9][_0-9a-z*\/-]{0,255}|[a-z0-9][_0-9a-z*\/-]{0,240}@[a-z][_0-9a-z*\/-]{0,13})$/;
const VALUE_RE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ZEROS_RE = /^0+$/;

function isLane(v) {
  return typeof v === 'string' && v.length <= MAX_LANE_LENGTH && LANE_PATTERN.test(v);
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(v) {
  return v === undefined || typeof v === 'string';
}

// First value of a header; all values joined by ',' when `all` (a list header sent twice).
function header(headers, name, all) {
  const h = name ? headers[name] : undefined;
  if (!h) return '';
  if (all && h.multiValue && h.multiValue.length > 1) {
    const values = [];
    for (let i = 0; i < h.multiValue.length; i++) values.push(h.multiValue[i].value);
    return values.join(',');
  }
  return typeof h.value === 'string' ? h.value : '';
}

function cookie(cookies, name) {
  const c = cookies && name ? cookies[name] : undefined;
  return c && typeof c.value === 'string' ? c.value : '';
}

// Validated, normalised rules, or null when malformed.
function parseRules(r) {
  if (!isObject(r) || !Array.isArray(r.lanes)) return null;
  const lanes = [DEFAULT_LANE];
  for (let i = 0; i < r.lanes.length; i++) {
    const lane = r.lanes[i];
    if (!isLane(lane)) return null;
    if (lanes.indexOf(lane) < 0) lanes.push(lane);
  }
  const userId = r.userId === undefined ? {} : r.userId;
  const users = r.users === undefined ? {} : r.users;
  const percentages = r.percentages === undefined ? [] : r.percentages;
  const ck = r.cookie === undefined ? {} : r.cookie;
  if (!isObject(userId) || !isObject(users) || !Array.isArray(percentages) || !isObject(ck)) return null;
  if (!optionalString(userId.header) || !optionalString(userId.cookie) || !optionalString(r.testerHeader)) return null;
  const userLanes = Object.keys(users);
  for (let i = 0; i < userLanes.length; i++) {
    if (!Array.isArray(users[userLanes[i]])) return null;
  }
  for (let i = 0; i < percentages.length; i++) {
    const p = percentages[i];
    if (!isObject(p) || typeof p.lane !== 'string' || typeof p.percent !== 'number') return null;
    if (!(p.percent >= 0 && p.percent <= 100)) return null;
  }
  const cookieName = ck.name === undefined ? RULES_DEFAULT_COOKIE_NAME : ck.name;
  const maxAge = ck.maxAgeSeconds === undefined ? RULES_DEFAULT_COOKIE_MAX_AGE : ck.maxAgeSeconds;
  if (typeof cookieName !== 'string' || !COOKIE_NAME_PATTERN.test(cookieName)) return null;
  if (typeof maxAge !== 'number' || !(maxAge >= RULES_MIN_COOKIE_MAX_AGE && maxAge <= RULES_MAX_COOKIE_MAX_AGE) || Math.floor(maxAge) !== maxAge) return null;
  return {
    lanes: lanes,
    tester: (r.testerHeader || '').toLowerCase(),
    userHeader: (userId.header || '').toLowerCase(),
    userCookie: userId.cookie || '',
    users: users,
    userLanes: userLanes,
    percentages: percentages,
    cookieName: cookieName,
    maxAge: maxAge,
  };
}

// Stable bucket 0..9999: first 32 bits of SHA-256.
function bucket(text) {
  const hex = crypto.createHash('sha256').update(text).digest('hex');
  return parseInt(hex.slice(0, 8), 16) % 10000;
}

function decide(rules, request) {
  const lanes = rules.lanes;
  const tester = header(request.headers, rules.tester).trim().toLowerCase();
  if (tester && lanes.indexOf(tester) >= 0) return { lane: tester, sticky: true };
  const sticky = cookie(request.cookies, rules.cookieName);
  if (sticky && lanes.indexOf(sticky) >= 0) return { lane: sticky, sticky: false };
  let id = header(request.headers, rules.userHeader);
  if (!id) id = cookie(request.cookies, rules.userCookie);
  if (id) {
    for (let i = 0; i < rules.userLanes.length; i++) {
      const lane = rules.userLanes[i];
      if (lanes.indexOf(lane) >= 0 && rules.users[lane].indexOf(id) >= 0) return { lane: lane, sticky: true };
    }
    for (let i = 0; i < rules.percentages.length; i++) {
      const p = rules.percentages[i];
      if (lanes.indexOf(p.lane) >= 0 && bucket(p.lane + ':' + id) < p.percent * 100) return { lane: p.lane, sticky: true };
    }
  }
  return { lane: DEFAULT_LANE, sticky: true };
}

function validTraceparent(value) {
  const m = TRACEPARENT_RE.exec(value);
  return m !== null && !ZEROS_RE.test(m[1]) && !ZEROS_RE.test(m[2]);
}

function randomHex(length) {
  let s = '';
  while (s.length < length) s += ('0000' + Math.floor(Math.random() * 65536).toString(16)).slice(-4);
  s = s.slice(0, length);
  return ZEROS_RE.test(s) ? randomHex(length) : s;
}

// Valid members other than ctx, first of each key, optional spaces and tabs removed.
function members(raw) {
  const out = [];
  const keys = [TRACESTATE_KEY];
  const parts = raw.split(',');
  for (let i = 0; i < parts.length; i++) {
    const member = parts[i].replace(/^[ \t]+|[ \t]+$/g, '');
    const eq = member.indexOf('=');
    if (eq < 1) continue;
    const key = member.slice(0, eq);
    if (!KEY_RE.test(key) || !VALUE_RE.test(member.slice(eq + 1)) || keys.indexOf(key) >= 0) continue;
    keys.push(key);
    out.push(member);
  }
  return out;
}

// ctx first (a changed key moves to the front), at most 32 members and 512 characters.
function serialise(list, lane) {
  if (lane !== DEFAULT_LANE) list.unshift(TRACESTATE_KEY + '=' + LANE_VALUE_PREFIX + lane);
  if (list.length > TRACESTATE_MAX_MEMBERS) list.length = TRACESTATE_MAX_MEMBERS;
  while (list.join(',').length > TRACESTATE_MAX_LENGTH) {
    let drop = list.length - 1;
    for (let i = list.length - 1; i > 0; i--) {
      if (list[i].length > TRACESTATE_LARGE_MEMBER) {
        drop = i;
        break;
      }
    }
    list.splice(drop, 1);
  }
  return list.join(',');
}

async function handler(event) {
  const request = event.request;
  const headers = request.headers;
  let rules = null;
  let decision = { lane: DEFAULT_LANE, sticky: false };
  try {
    rules = parseRules(await cf.kvs().get(RULES_KEY, { format: 'json' }));
    if (rules) decision = decide(rules, request);
  } catch (e) {
    rules = null;
    decision = { lane: DEFAULT_LANE, sticky: false };
  }

  // W3C: without a valid traceparent the old tracestate is not parsed; start a new trace.
  let list = [];
  if (validTraceparent(header(headers, 'traceparent'))) {
    list = members(header(headers, 'tracestate', true));
  } else {
    headers.traceparent = { value: '00-' + randomHex(32) + '-' + randomHex(16) + '-01' };
  }
  const tracestate = serialise(list, decision.lane);
  if (tracestate) headers.tracestate = { value: tracestate };
  else delete headers.tracestate;

  // Always overwritten: a viewer cannot send its own.
  headers['x-lanes-lane'] = { value: decision.lane };
  headers['x-lanes-sticky'] = { value: decision.sticky ? '1' : '0' };
  if (rules) {
    headers['x-lanes-cookie'] = { value: rules.cookieName };
    headers['x-lanes-cookie-max-age'] = { value: String(rules.maxAge) };
  } else {
    delete headers['x-lanes-cookie'];
    delete headers['x-lanes-cookie-max-age'];
  }
  return request;
}
