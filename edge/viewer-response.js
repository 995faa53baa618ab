// Lanes edge, viewer response (runtime cloudfront-js-2.0, no KeyValueStore).
// Sets the sticky lane cookie when viewer-request.js decided so (request header
// x-lanes-sticky: 1). Cookie name and max-age come from the rules through the request
// headers x-lanes-cookie / x-lanes-cookie-max-age; the constants below are only the
// fallback and must match the defaults of the rules' "cookie" entry.

const DEFAULT_COOKIE_NAME = 'lane';
const DEFAULT_MAX_AGE_SECONDS = 86400;
const LANE_RE = /^[a-z0-9](?:[a-z0-9-]{0,113}[a-z0-9])?$/;
const COOKIE_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_AGE_RE = /^[0-9]{1,10}$/;

function value(headers, name) {
  const h = headers ? headers[name] : undefined;
  return h && typeof h.value === 'string' ? h.value : '';
}

async function handler(event) {
  const response = event.response;
  const headers = event.request ? event.request.headers : undefined;
  if (value(headers, 'x-lanes-sticky') !== '1') return response;
  const lane = value(headers, 'x-lanes-lane');
  if (!LANE_RE.test(lane)) return response;
  let name = value(headers, 'x-lanes-cookie');
  if (!COOKIE_NAME_RE.test(name)) name = DEFAULT_COOKIE_NAME;
  let maxAge = value(headers, 'x-lanes-cookie-max-age');
  if (!MAX_AGE_RE.test(maxAge)) maxAge = String(DEFAULT_MAX_AGE_SECONDS);
  if (!response.cookies) response.cookies = {};
  response.cookies[name] = {
    value: lane,
    attributes: 'Path=/; Max-Age=' + maxAge + '; Secure; HttpOnly; SameSite=Lax',
  };
  return response;
}
