// swift-tools-version:6.0
// Doze depends on the Swift toolchain alone: no package dependencies, by design.
import PackageDescription

// Tests and the `doze` binary define `curl_multi_add_handle` so that URLSession's libcurl can be
// given a per-server CA and client certificate (see Sources/KubeClient/TLSHook.swift), and
// `curl_multi_setopt` to stop URLSession spinning on idle watches (Sources/CCurlHook/sockets.c).
let exportCurlHook: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=curl_multi_add_handle",
                  "-Xlinker", "--export-dynamic-symbol=curl_multi_setopt"])
]

// The proxy's data path runs per request: release builds skip the dynamic exclusivity checks
// there (2-3% of its CPU in profiles). Debug builds, which every test runs, keep them, so a
// violation still fails a test.
let dataPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "Doze",
    products: [
        .executable(name: "doze", targets: ["doze"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
    ],
    targets: [
        // epoll, accept4, eventfd: what Glibc does not expose to Swift.
        .target(name: "CDozeSys"),
        // Interposes libcurl's curl_multi_add_handle to give URLSession a CA and client certificate.
        .target(name: "CCurlHook", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "DozeJSON"),
        .target(name: "HTTPCore", dependencies: ["CDozeSys"], swiftSettings: dataPath),
        .target(name: "KubeClient", dependencies: ["DozeJSON", "CCurlHook"]),
        .target(name: "LocalCluster", dependencies: ["DozeJSON", "HTTPCore", "CDozeSys"]),
        .target(name: "Proxy", dependencies: ["HTTPCore", "KubeClient", "DozeJSON"], swiftSettings: dataPath),
        .target(name: "Controller", dependencies: ["KubeClient", "DozeJSON"]),
        .executableTarget(
            name: "doze",
            dependencies: ["KubeClient", "LocalCluster", "Proxy", "Controller", "HTTPCore", "DozeJSON"],
            linkerSettings: exportCurlHook),

        // Test helpers shared by test targets (child processes, a blocking TCP client); no product modules.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "DozeJSONTests", dependencies: ["DozeJSON"]),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore", "TestSupport"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "DozeJSON"],
                    linkerSettings: exportCurlHook),
        .testTarget(name: "LocalClusterTests", dependencies: ["LocalCluster", "DozeJSON", "HTTPCore"]),
        .testTarget(name: "ProxyTests", dependencies: ["Proxy", "HTTPCore", "KubeClient", "LocalCluster", "DozeJSON", "TestSupport"],
                    linkerSettings: exportCurlHook),
        // KubeClient against LocalCluster: two implementations written apart, checking each other.
        .testTarget(name: "IntegrationTests", dependencies: ["KubeClient", "LocalCluster", "DozeJSON"],
                    linkerSettings: exportCurlHook),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "KubeClient", "DozeJSON", "LocalCluster", "HTTPCore"],
                    resources: [.copy("Golden")], linkerSettings: exportCurlHook),
        // `doze dev` as a subprocess (the built `doze` binary), pods as local processes.
        .testTarget(name: "EndToEndTests", dependencies: ["KubeClient", "DozeJSON", "TestSupport"], linkerSettings: exportCurlHook),
    ]
)
