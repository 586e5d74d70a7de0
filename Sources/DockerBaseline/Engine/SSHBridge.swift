import Foundation
import NIOCore
import NIOPosix

/// Reaches an `ssh://` engine as the docker CLI does: each connection runs `ssh HOST -- docker system dial-stdio` and
/// its standard input and output carry the HTTP. A private unix socket stands in front so the HTTP client needs no
/// other transport. `DOCKER_BASELINE_SSH_COMMAND` replaces `ssh` (e.g. `ssh -F ~/.ssh/audit_config`).
final class SSHBridge: @unchecked Sendable {
    let socketPath: String
    private let channel: Channel
    private let directory: String

    init(destination: String, port: Int?, sshCommand: [String]) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docker-baseline-ssh-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        socketPath = directory + "/docker.sock"
        var arguments = Array(sshCommand.dropFirst())
        if let port { arguments += ["-p", String(port)] }
        arguments += ["-o", "BatchMode=yes", "--", destination, "docker", "system", "dial-stdio"]
        let program = sshCommand.first ?? "ssh"
        let fullArguments = arguments
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(Pump(program: program, arguments: fullArguments))
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
    }

    func close() async {
        try? await channel.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// One ssh process per connection, bytes pumped both ways; either side closing ends both.
    private final class Pump: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let program: String
        let arguments: [String]
        var process: Process?
        var input: FileHandle?

        init(program: String, arguments: [String]) {
            self.program = program
            self.arguments = arguments
        }

        func channelActive(context: ChannelHandlerContext) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
            let stdin = Pipe(), stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            let channel = context.channel
            stdout.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    channel.close(promise: nil)
                    return
                }
                channel.writeAndFlush(ByteBuffer(bytes: data), promise: nil)
            }
            process.terminationHandler = { _ in channel.close(promise: nil) }
            do {
                try process.run()
            } catch {
                channel.close(promise: nil)
                return
            }
            self.process = process
            input = stdin.fileHandleForWriting
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                try? input?.write(contentsOf: Data(bytes))
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            try? input?.close()
            if let process, process.isRunning { process.terminate() }
        }
    }
}
