// Lanes edge, viewer response (runtime cloudfront-js-2.0, no KeyValueStore).
// Sets the sticky lane cookie when viewer-request.js decided so (request header
// x-lanes-sticky: 1), to the signed value it computed (x-lanes-cookie-value; nothing
// else is ever set). Cookie name and max-age come from the rules through the request
// headers x-lanes-cookie / x-lanes-cookie-max-age, else the rules' defaults.

// @protocol STICKY_COOKIE_PATTERN RULES_DEFAULT_COOKIE_NAME RULES_DEFAULT_COOKIE_MAX_AGE COOKIE_NAME_PATTERN
const MAX_AGE_RE = /^[0-9]{1,10}$/;

function value(headers, name) {
  const h = headers ? headers[name] : undefined;
  return h && typeof h.value === 'string' ? h.value : '';
}

async function handler(event) {
  const response = event.response;
  const headers = event.request ? event.request.headers : undefined;
  if (value(headers, 'x-lanes-sticky') !== '1') return response;
  const signed = value(headers, 'x-lanes-cookie-value');
  if (!STICKY_COOKIE_PATTERN.test(signed)) return response;
  let name = value(headers, 'x-lanes-cookie');
  if (!COOKIE_NAME_PATTERN.test(name)) name = RULES_DEFAULT_COOKIE_NAME;
  let maxAge = value(headers, 'x-lanes-cookie-max-age');
  if (!MAX_AGE_RE.test(maxAge)) maxAge = String(RULES_DEFAULT_COOKIE_MAX_AGE);
  if (!response.cookies) response.cookies = {};
  response.cookies[name] = {
    value: signed,
    attributes: 'Path=/; Max-Age=' + maxAge + '; Secure; HttpOnly; SameSite=Lax',
  };
  return response;
}
