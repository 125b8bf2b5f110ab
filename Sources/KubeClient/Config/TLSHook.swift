import Foundation

/// Gives URLSession's libcurl the TLS material for a server (custom CA, client certificate).
/// The contract: call `TLSHook.install(for:options:)` once per server before the first request.
public enum TLSHook {
    public static func install(for server: URL, options: TLSOptions) throws {
        // TODO(config helper): register with CCurlHook so every easy handle for this host:port
        // gets CURLOPT_CAINFO_BLOB / SSLCERT_BLOB / SSLKEY_BLOB.
    }
}
