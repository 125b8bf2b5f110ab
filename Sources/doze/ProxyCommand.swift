import Foundation
import KubeClient
import Proxy

/// `doze proxy`: flags, the static routes file, then the proxy service until SIGTERM.
enum ProxyCommand {
    static func run(_ args: [String]) async -> Int32 {
        if args.contains("--help") || args.contains("-h") {
            print(ProxyOptions.usage)
            return 0
        }
        let options: ProxyOptions
        do { options = try ProxyOptions.parse(args) } catch {
            fail("doze proxy: \(error)\n\n\(ProxyOptions.usage)")
            return 2
        }
        var routes: [Route] = []
        if let path = options.staticRoutes {
            guard let data = FileManager.default.contents(atPath: path) else {
                fail("doze proxy: cannot read --static-routes \(path)")
                return 2
            }
            do { routes = try StaticRoutesFile.parse(Array(data)) } catch {
                fail("doze proxy: \(path): \(error)")
                return 2
            }
        }
        var source: any RouteSource = StaticRouteSource(routes: routes)
        var scaler: (any AppScaler)?
        if options.routesApps {
            do {
                let client = try KubeClient(config: KubeConfig.load(kubeconfig: options.kubeconfig, context: options.context))
                source = KubeRouteSource(client: client, namespaces: options.namespaces, staticRoutes: routes)
                scaler = KubeAppScaler(client: client)
            } catch {
                fail("doze proxy: cannot reach the cluster: \(error)")
                return 2
            }
        }
        let service: ProxyService
        do { service = try ProxyService(options: options, source: source, scaler: scaler) } catch {
            fail("doze proxy: cannot listen: \(error)")
            return 1
        }
        // Written unbuffered: scripts read the ports from a pipe while the process runs.
        FileHandle.standardOutput.write(Data("""
            proxy listening on \(options.bindHost):\(service.port)
            admin listening on \(options.bindHost):\(service.adminPort)

            """.utf8))
        return await ServiceRunner.run([ClosureService(name: "proxy") { try await service.run() }])
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
