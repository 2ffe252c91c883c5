/**
 * Registry, mirror, proxy and certificate settings each tool reads, passed to the install phase by
 * name: a user's mirror works, and nothing else of the agent's environment (its API key) gets in.
 * Maven has no such variables (its mirrors live in settings.xml: ASP_MAVEN_SETTINGS), and GOFLAGS is
 * not a registry setting: the agent sets its own, and a user's -mod=vendor would change the build.
 */
const registryVariables = [
  "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_TRUSTED_HOST", "PIP_CERT", "PIP_CLIENT_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_TIMEOUT", "PIP_RETRIES", "PIP_NO_INDEX", "PIP_PROXY",
  "npm_config_registry", "NPM_CONFIG_REGISTRY", "npm_config_strict_ssl", "npm_config_cafile", "npm_config_ca",
  "npm_config_proxy", "npm_config_https_proxy", "npm_config_noproxy", "npm_config_fetch_retries", "npm_config_fetch_timeout",
  "GOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GOINSECURE", "GOAUTH",
  "CARGO_NET_GIT_FETCH_WITH_CLI", "CARGO_NET_RETRY", "CARGO_HTTP_CAINFO", "CARGO_HTTP_PROXY", "CARGO_HTTP_TIMEOUT", "CARGO_REGISTRY_DEFAULT",
  "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
  "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE",
];
/**
 * Cargo's registries are configured per name (CARGO_REGISTRIES_<NAME>_INDEX, _TOKEN, _PROTOCOL), and
 * npm's scoped registries as npm_config_@scope:registry. (CARGO_SOURCE_* is passed, but stable Cargo
 * reads source replacement only from a config file: ASP_CARGO_CONFIG.)
 */
const registryPrefixes = ["CARGO_REGISTRIES_", "CARGO_SOURCE_", "npm_config_@", "NPM_CONFIG_@"];

export function registryEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (registryVariables.includes(name) || registryPrefixes.some((prefix) => name.startsWith(prefix))) picked[name] = value;
  }
  return picked;
}

/**
 * The part of the registry settings the offline test phase still needs: Cargo resolves a dependency
 * from a named registry (`registry = "company"`) through CARGO_REGISTRIES_COMPANY_INDEX even with
 * --offline, to find its copy of that index. Never a token or credential: generated tests read their
 * environment, and nothing in the test phase talks to a registry.
 */
export function offlineRegistryEnvironment(registryEnv: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(registryEnv).filter(([name]) => /^CARGO_(REGISTRIES_|SOURCE_|REGISTRY_DEFAULT$)/.test(name) && !/TOKEN|CREDENTIAL/.test(name)));
}
