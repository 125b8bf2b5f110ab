import CCurlHook
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Gives URLSession's libcurl the TLS material for a server (custom CA, client certificate).
/// The contract: call `TLSHook.install(for:options:)` once per server before the first request;
/// calling it again replaces the material (an exec plugin's fresh client certificate).
///
/// Why an interposed libcurl function. On Linux, URLSession (FoundationNetworking, Swift 6.3)
/// has no public way to trust a custom CA or present a client certificate: the server-trust
/// challenge never fires, and SSL_CERT_FILE / CURL_CA_BUNDLE are ignored. The alternatives were a
/// transport of our own on libcurl (a second HTTP stack to keep right: HTTP/2, streaming, pooling,
/// plus libcurl-dev at build time) or this: the `doze` executable and the test binary define and
/// export `curl_multi_add_handle` (C target CCurlHook, linker flag in Package.swift), so the
/// dynamic linker binds FoundationNetworking's call to it. The hook reads the easy handle's URL,
/// sets CURLOPT_CAINFO_BLOB / SSLCERT_BLOB / SSLKEY_BLOB (or turns verification off) for the
/// registered scheme://host:port, and calls libcurl's own function (dlsym RTLD_NEXT). For a
/// kubeconfig `tls-server-name` it also rewrites the URL's host to that name and points
/// CURLOPT_CONNECT_TO at the real host, so SNI and the certificate check use the name.
///
/// The risk: it relies on FoundationNetworking driving every transfer through libcurl's multi
/// API, and on the linker flag reaching the final executable. If either changes, `install` throws
/// (the hook is seen not to interpose) and the TLS tests fail (ConfigTLSTests), instead of
/// requests silently going out without the CA or the client certificate. The material applies to
/// every URLSession in the process for that origin, which is what a Kubernetes client wants.
public enum TLSHook {
    public static func install(for server: URL, options: TLSOptions) throws {
        let url = server.absoluteString
        guard needsHook(options) else {
            _ = doze_curl_hook_unregister(url)
            return
        }
        // tls-server-name: libcurl checks the URL's host, so the hook rewrites the URL's host to this
        // name and connects to the real one with CURLOPT_CONNECT_TO (the Host header follows the name).
        let serverName = options.serverName.flatMap { $0.lowercased() == server.host?.lowercased() ? nil : $0 }
        if let name = serverName, name.contains(where: { ":/[]@ ".contains($0) }) {
            throw TLSHookError(.badServerName(name))
        }
        if (options.clientCertificatePEM == nil) != (options.clientKeyPEM == nil) {
            throw TLSHookError(.incompleteClientCertificate)
        }
        guard isActive else { throw TLSHookError(.notInterposed) }
        let status = withBytes(options.caPEM) { ca, caLen in
            withBytes(options.clientCertificatePEM) { cert, certLen in
                withBytes(options.clientKeyPEM) { key, keyLen in
                    doze_curl_hook_register(url, ca, caLen, cert, certLen, key, keyLen,
                                            options.insecureSkipVerify ? 1 : 0, serverName)
                }
            }
        }
        if status != 0 { throw TLSHookError(.badServerURL(url)) }
    }

    /// Removes what `install` registered for this server.
    public static func uninstall(for server: URL) {
        _ = doze_curl_hook_unregister(server.absoluteString)
    }

    /// Whether FoundationNetworking's calls reach the hook in this process.
    public static var isActive: Bool {
        _ = URLSession.shared  // make sure FoundationNetworking (and so libcurl) is loaded
        return doze_curl_hook_interposes() == 1
    }

    /// Easy handles seen by the hook / given TLS material, for tests that prove the interposition.
    public static var handlesSeen: Int { doze_curl_hook_calls() }
    public static var handlesConfigured: Int { doze_curl_hook_applied() }

    static func needsHook(_ o: TLSOptions) -> Bool {
        o.caPEM != nil || o.clientCertificatePEM != nil || o.clientKeyPEM != nil || o.insecureSkipVerify
            || o.serverName != nil
    }

    private static func withBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafePointer<UInt8>?, Int) -> R) -> R {
        guard let bytes, !bytes.isEmpty else { return body(nil, 0) }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
    }
}

public struct TLSHookError: Error, CustomStringConvertible, Equatable {
    enum Kind: Equatable {
        case notInterposed
        case badServerName(String)
        case incompleteClientCertificate
        case badServerURL(String)
    }
    let kind: Kind
    init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .notInterposed:
            return "TLS: this executable does not export curl_multi_add_handle, so URLSession cannot be "
                + "given a CA or client certificate (link with --export-dynamic-symbol=curl_multi_add_handle)"
        case .badServerName(let n):
            return "TLS: tls-server-name '\(n)' is not a host name"
        case .incompleteClientCertificate:
            return "TLS: a client certificate needs both the certificate and the key"
        case .badServerURL(let u):
            return "TLS: cannot register TLS material for server '\(u)'"
        }
    }
}
