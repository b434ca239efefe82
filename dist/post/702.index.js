export const id = 702;
export const ids = [702];
export const modules = {

/***/ 6702:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1489);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9250);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6856);
/* harmony import */ var bottleneck_light_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3251);
/* harmony import */ var bottleneck_light_js__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(bottleneck_light_js__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _util_errors__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(17);
/* harmony import */ var _http_retry_after__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(7821);
/* harmony import */ var _util_redactor__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7938);
/* harmony import */ var _client__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6584);









const API_VERSION = '2022-11-28';
/**
 * The client every GitHub call goes through. Rate limits are the throttling plugin's: a primary
 * limit waits for its reset, a secondary one for `retry-after` or, without it, the fallback minute;
 * writes are spaced. The retry plugin retries 5xx and unanswered tries. Bodies are redacted on the
 * way out, and what is finally thrown is a GitHubApiError.
 */
function createOctokit(target, pacing, redact) {
    const waitOut = (retryAfterSeconds, _options, _octokit, retryCount) => retryCount < pacing.retries && retryAfterSeconds <= pacing.maxWaitSeconds;
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(target.token, {
        baseUrl: target.apiUrl.replace(/\/+$/, ''),
        userAgent: 'launch-action',
        request: { fetch: guardedFetch(pacing.timeoutMs, redact) },
        // Rate limits (403, 429) are left to the throttling plugin, which reads their headers;
        // a 409 (merge conflict, failed contexts) stays one.
        retry: {
            retries: pacing.retries,
            retryAfterBaseValue: pacing.msPerSecond,
            doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
        },
        throttle: {
            onRateLimit: waitOut,
            onSecondaryRateLimit: waitOut,
            fallbackSecondaryRateRetryAfter: pacing.secondaryFallbackSeconds,
            retryAfterBaseValue: pacing.msPerSecond,
            ...writeGroups(pacing.writeSpacingMs),
        },
        // Octokit's own notes (a deprecated endpoint) are for the log, redacted like everything else.
        log: {
            debug: () => { },
            info: () => { },
            warn: (message) => console.warn(redact(message)),
            error: (message) => console.error(redact(message)),
        },
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_5__/* .throttling */ .A);
    // Hooks added after the plugins wrap them: these see each request first and its final failure last.
    octokit.hook.before('request', (options) => {
        options.headers.accept = 'application/vnd.github+json';
        options.headers['x-github-api-version'] = API_VERSION;
    });
    octokit.hook.error('request', (error, options) => {
        throw githubError(error, options.method, String(options.url), pacing.retries + 1);
    });
    return octokit;
}
const groups = new Map();
/** One pair per spacing for the whole process, as the plugin's own are: the deployments' and the PR comment's writes share them. */
function writeGroups(spacingMs) {
    let pair = groups.get(spacingMs);
    if (!pair) {
        pair = {
            write: new (bottleneck_light_js__WEBPACK_IMPORTED_MODULE_2___default().Group)({ maxConcurrent: 1, minTime: spacingMs }),
            notifications: new (bottleneck_light_js__WEBPACK_IMPORTED_MODULE_2___default().Group)({ maxConcurrent: 1, minTime: 3 * spacingMs }),
        };
        groups.set(spacingMs, pair);
    }
    return pair;
}
/**
 * `@actions/github`'s fetch (through the runner's proxy, by @actions/http-client's rules, settled for
 * GITHUB_API_URL when the package loads; in a run that is `target.apiUrl`), each try under its own
 * deadline and with every string of its JSON body redacted before it leaves.
 */
function guardedFetch(timeoutMs, redact) {
    const proxied = _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request.fetch;
    return (url, init = {}) => {
        const deadline = AbortSignal.timeout(timeoutMs);
        const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
        const body = typeof init.body === 'string' ? redactBody(init.body, redact) : init.body;
        return proxied(url, { ...init, body, signal });
    };
}
// Strings are redacted before serialising, so a secret with a quote or backslash cannot slip through escaped.
function redactBody(body, redact) {
    try {
        return JSON.stringify((0,_util_redactor__WEBPACK_IMPORTED_MODULE_6__/* .redactValues */ .se)(JSON.parse(body), redact));
    }
    catch {
        return redact(body);
    }
}
/** "HTTP 403: <GitHub's message> (rate limit resets at …)", or what kept every try from an answer. */
function githubError(error, method, url, tries) {
    const path = url.replace(/^\/repos\/\{owner\}\/\{repo\}/, '');
    const { status, response } = error;
    if (!response || status === undefined)
        return new _client__WEBPACK_IMPORTED_MODULE_3__/* .GitHubApiError */ .OS(method, path, undefined, `no response after ${tries} tries: ${(0,_util_errors__WEBPACK_IMPORTED_MODULE_7__/* .errorMessage */ .g)(error)}`);
    const data = response.data;
    const message = typeof data?.message === 'string' ? `: ${data.message}` : '';
    const headers = new Headers(Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])));
    const resetAt = (0,_http_retry_after__WEBPACK_IMPORTED_MODULE_8__/* .rateLimitResetAt */ .ms)(headers);
    const reset = resetAt === undefined ? '' : ` (rate limit resets at ${new Date(resetAt).toISOString()})`;
    return new _client__WEBPACK_IMPORTED_MODULE_3__/* .GitHubApiError */ .OS(method, path, status, `HTTP ${status}${message}${reset}`);
}


/***/ })

};
