/** Turns the config's endpoint URL into the pieces the minio client takes. */

export interface S3Endpoint {
  host: string;
  port: number;
  useSSL: boolean;
}

/** Parses "http://host:port" / "https://host"; throws an Error naming the endpoint otherwise. */
export function parseS3Endpoint(endpoint: string): S3Endpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`invalid S3 endpoint ${JSON.stringify(endpoint)}: expected a URL like http://127.0.0.1:9000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid S3 endpoint ${JSON.stringify(endpoint)}: protocol must be http or https`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`invalid S3 endpoint ${JSON.stringify(endpoint)}: give only scheme, host and port (the bucket is separate)`);
  }
  const useSSL = url.protocol === 'https:';
  // URL keeps IPv6 hosts bracketed; the minio client wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : useSSL ? 443 : 80, useSSL };
}
