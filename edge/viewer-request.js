import cf from 'cloudfront';
import crypto from 'crypto';

// Lanes edge, viewer request (runtime cloudfront-js-2.0, KeyValueStore keys RULES_KEY, KEYS_KEY).
// Picks the request's lane and carries it to the ALB as the tracestate member
// ctx=lane:{lane}; tells viewer-response.js whether to set the sticky cookie through
// the request headers x-lanes-*. Never throws: any failure means the default lane.
// Precedence: a signed tester token > the user's pin in the rules > the user's percentage
// bucket (user id from an HS256 JWT); without a user id, the signed sticky cookie, which
// only remembers a bucket decision and is ignored once its lane changed or went away.
// Unsigned (where REQUIRE_SIGNED), badly signed or expired values count as absent and are logged.
// Kept to what the runtime documents: const/let, arrow functions, plain for loops,
// indexOf, no optional chaining, destructuring or spread; crypto.createHash/createHmac.
// Full-line comments are dropped at synth (lib/edge/function-code.ts): the code stays under 10 KB.

// @protocol DEFAULT_LANE TRACESTATE_KEY LANE_VALUE_PREFIX LANE_PATTERN MAX_LANE_LENGTH TRACESTATE_MAX_MEMBERS TRACESTATE_MAX_LENGTH TRACESTATE_LARGE_MEMBER RULES_KEY RULES_DEFAULT_COOKIE_NAME RULES_DEFAULT_COOKIE_MAX_AGE RULES_MIN_COOKIE_MAX_AGE RULES_MAX_COOKIE_MAX_AGE COOKIE_NAME_PATTERN USER_ID_PATTERN MAX_USER_ID_LENGTH BAGGAGE_KEY BAGGAGE_MAX_MEMBERS BAGGAGE_MAX_BYTES KEYS_KEY SIGNED_SEPARATOR TOKEN_KIND COOKIE_KIND KEY_ID_PATTERN JWT_ALGORITHM PERCENT_BUCKETS REJECTED_LOG_PREFIX
// @settings REQUIRE_SIGNED
// W3C Trace Context: list member key and value.
const KEY_RE = /^(?:[a-z0-9][_0-9a-z*\/-]{0,255}|[a-z0-9][_0-9a-z*\/-]{0,240}@[a-z][_0-9a-z*\/-]{0,13})$/;
const VALUE_RE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ZEROS_RE = /^0+$/;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function isLane(v) {
  return typeof v === 'string' && v.length <= MAX_LANE_LENGTH && LANE_PATTERN.test(v);
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(v) {
  return v === undefined || typeof v === 'string';
}

function isUserId(v) {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_USER_ID_LENGTH && USER_ID_PATTERN.test(v);
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
  if (!isObject(r) || !Array.isArray(r.lanes) || !(r.version >= 1)) return null;
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
  const changed = r.changed === undefined ? {} : r.changed;
  if (!isObject(userId) || !isObject(users) || !Array.isArray(percentages) || !isObject(ck) || !isObject(changed)) return null;
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
    version: r.version,
    lanes: lanes,
    tester: (r.testerHeader || '').toLowerCase(),
    userHeader: (userId.header || '').toLowerCase(),
    userCookie: userId.cookie || '',
    users: users,
    userLanes: userLanes,
    percentages: percentages,
    changed: changed,
    cookieName: cookieName,
    maxAge: maxAge,
  };
}

// The keys, { edge: [{id, key}], user: [{id, key}] }; the first edge key signs.
function parseKeys(k) {
  const out = { edge: [], user: [] };
  const parts = ['edge', 'user'];
  for (let j = 0; j < 2; j++) {
    const list = isObject(k) && Array.isArray(k[parts[j]]) ? k[parts[j]] : [];
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (isObject(e) && typeof e.id === 'string' && KEY_ID_PATTERN.test(e.id) && typeof e.key === 'string' && e.key) out[parts[j]].push(e);
    }
  }
  return out;
}

function findKey(list, id) {
  for (let i = 0; i < list.length; i++) if (list[i].id === id) return list[i].key;
  return '';
}

function mac(key, text) {
  return crypto.createHmac('sha256', key).update(text).digest('base64url');
}

// Compares without stopping at the first difference.
function same(a, b) {
  let d = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ (b.charCodeAt(i) | 0);
  return d === 0;
}

// Counted by a metric filter on the function's log group; the value itself is not logged.
function reject(what, why) {
  console.log(REJECTED_LOG_PREFIX + ' ' + what + ' ' + why);
  return '';
}

// The payload parts and key id of `{n payload parts}.{key id}.{signature}` signed as
// `{kind}.{payload}.{key id}` with an edge key, the last payload part being its expiry;
// else why not.
function signed(value, kind, keys, n, now) {
  const p = value.split(SIGNED_SEPARATOR);
  if (p.length !== n + 2) return 'format';
  const key = findKey(keys.edge, p[n]);
  if (!key) return 'key';
  const sig = p.pop();
  if (!same(mac(key, kind + SIGNED_SEPARATOR + p.join(SIGNED_SEPARATOR)), sig)) return 'signature';
  if (!(+p[n - 1] > now)) return 'expired';
  return p;
}

// base64url to a string (UTF-8); throws on anything else.
function unb64(s) {
  let n = 0;
  let bits = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const v = B64.indexOf(s[i]);
    if (v < 0) throw new Error('base64url');
    n = ((n << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += '%' + (256 + ((n >> bits) & 255)).toString(16).slice(1);
    }
  }
  return decodeURIComponent(out);
}

function tester(rules, keys, request, now) {
  const v = header(request.headers, rules.tester).trim();
  if (!v) return '';
  if (!REQUIRE_SIGNED && rules.lanes.indexOf(v.toLowerCase()) >= 0) return v.toLowerCase();
  const p = signed(v, TOKEN_KIND, keys, 2, now);
  if (typeof p === 'string') return reject('tester', p);
  return rules.lanes.indexOf(p[0]) >= 0 ? p[0] : reject('tester', 'lane');
}

// The user id: the `sub` of an HS256 JWT under a user key (plain ids only without REQUIRE_SIGNED).
function userId(rules, keys, request, now) {
  let v = header(request.headers, rules.userHeader).replace(/^Bearer\s+/i, '');
  if (!v) v = cookie(request.cookies, rules.userCookie);
  if (!v) return '';
  const p = v.split('.');
  if (p.length !== 3) return REQUIRE_SIGNED ? reject('user', 'unsigned') : isUserId(v) ? v : '';
  let h;
  let c;
  try {
    h = JSON.parse(unb64(p[0]));
    c = JSON.parse(unb64(p[1]));
  } catch (e) {
    return reject('user', 'format');
  }
  if (!isObject(h) || h.alg !== JWT_ALGORITHM || !isObject(c)) return reject('user', 'format');
  let ok = false;
  for (let i = 0; i < keys.user.length; i++) {
    const k = keys.user[i];
    if ((h.kid === undefined || h.kid === k.id) && same(mac(k.key, p[0] + '.' + p[1]), p[2])) ok = true;
  }
  if (!ok) return reject('user', 'signature');
  if (!(typeof c.exp === 'number' && c.exp > now) || (typeof c.nbf === 'number' && c.nbf > now)) return reject('user', 'expired');
  return isUserId(c.sub) ? c.sub : reject('user', 'format');
}

function pinned(rules, id) {
  for (let i = 0; i < rules.userLanes.length; i++) {
    const lane = rules.userLanes[i];
    if (rules.lanes.indexOf(lane) >= 0 && rules.users[lane].indexOf(id) >= 0) return lane;
  }
  return '';
}

// The user's one bucket: first 32 bits of SHA-256, mod PERCENT_BUCKETS.
function bucket(id) {
  const hex = crypto.createHash('sha256').update(id).digest('hex');
  return parseInt(hex.slice(0, 8), 16) % PERCENT_BUCKETS;
}

// Lanes take consecutive ranges of buckets in list order; default the rest. The range of an
// entry whose lane is not in `lanes` goes to default, so the ranges after it stay put.
function byBucket(rules, b) {
  let end = 0;
  for (let i = 0; i < rules.percentages.length; i++) {
    const p = rules.percentages[i];
    end += (p.percent * PERCENT_BUCKETS) / 100;
    if (b < end) return rules.lanes.indexOf(p.lane) >= 0 ? p.lane : DEFAULT_LANE;
  }
  return DEFAULT_LANE;
}

// The sticky cookie's lane, when its signature, expiry, lane and rules version still hold;
// `current` when signed with the current key and the cookie need not be written again.
function held(rules, keys, value, now) {
  const p = signed(value, COOKIE_KIND, keys, 3, now);
  if (typeof p === 'string') return { lane: reject('cookie', p) };
  const own = Object.prototype.hasOwnProperty.call(rules.changed, p[0]) && typeof rules.changed[p[0]] === 'number';
  if (rules.lanes.indexOf(p[0]) < 0 || +p[1] < (own ? rules.changed[p[0]] : rules.version)) return { lane: '' };
  return { lane: p[0], current: p[3] === keys.edge[0].id };
}

function decide(rules, keys, request, now) {
  const t = tester(rules, keys, request, now);
  if (t) return { lane: t, stick: false };
  const id = userId(rules, keys, request, now);
  const value = cookie(request.cookies, rules.cookieName);
  const c = value ? held(rules, keys, value, now) : { lane: '' };
  if (id) {
    const pin = pinned(rules, id);
    if (pin) return { lane: pin, stick: false };
    const lane = byBucket(rules, bucket(id));
    return { lane: lane, stick: !(c.lane === lane && c.current) };
  }
  if (c.lane) return { lane: c.lane, stick: !c.current };
  return { lane: DEFAULT_LANE, stick: value !== '' };
}

// W3C Baggage: a viewer's own `lane` member is dropped; only the edge assigns lanes. The
// assigned lane goes first (written with tracestate's), whole members only, within the limits.
function baggageLane(headers, lane) {
  const raw = header(headers, 'baggage', true);
  const kept = lane === DEFAULT_LANE ? [] : [BAGGAGE_KEY + '=' + lane];
  const parts = raw ? raw.split(',') : [];
  for (let i = 0; i < parts.length; i++) {
    const member = parts[i].trim();
    const key = member.split('=')[0].trim().toLowerCase();
    if (member && key !== BAGGAGE_KEY) kept.push(member);
  }
  while (kept.length > BAGGAGE_MAX_MEMBERS || kept.join(',').length > BAGGAGE_MAX_BYTES) kept.pop();
  if (kept.length > 0) headers.baggage = { value: kept.join(',') };
  else delete headers.baggage;
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
  const now = Math.floor(Date.now() / 1000);
  let rules = null;
  let keys = parseKeys(null);
  let decision = { lane: DEFAULT_LANE, stick: false };
  try {
    const kvs = cf.kvs();
    rules = parseRules(await kvs.get(RULES_KEY, { format: 'json' }));
    try {
      keys = parseKeys(await kvs.get(KEYS_KEY, { format: 'json' }));
    } catch (e) {
      keys = parseKeys(null);
    }
    if (rules) decision = decide(rules, keys, request, now);
  } catch (e) {
    rules = null;
    decision = { lane: DEFAULT_LANE, stick: false };
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
  baggageLane(headers, decision.lane);

  // Always overwritten: a viewer cannot send its own. The cookie is signed here, with the
  // current key; without one nothing is remembered.
  const sign = keys.edge[0];
  const stick = Boolean(rules && decision.stick && sign);
  headers['x-lanes-lane'] = { value: decision.lane };
  headers['x-lanes-sticky'] = { value: stick ? '1' : '0' };
  delete headers['x-lanes-cookie-value'];
  if (rules) {
    headers['x-lanes-cookie'] = { value: rules.cookieName };
    headers['x-lanes-cookie-max-age'] = { value: String(rules.maxAge) };
    if (stick) {
      const payload = [decision.lane, rules.version, now + rules.maxAge, sign.id].join(SIGNED_SEPARATOR);
      headers['x-lanes-cookie-value'] = { value: payload + SIGNED_SEPARATOR + mac(sign.key, COOKIE_KIND + SIGNED_SEPARATOR + payload) };
    }
  } else {
    delete headers['x-lanes-cookie'];
    delete headers['x-lanes-cookie-max-age'];
  }
  return request;
}
