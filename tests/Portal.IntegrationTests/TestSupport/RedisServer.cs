using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// A throw-away <c>redis-server</c> on a free loopback port, as a child process with nothing saved to disk, killed
/// at the end. Tests that need one skip, saying why, where Debian's redis-server is not installed (CI installs it).
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"portal-redis-{Guid.NewGuid():N}");
    private System.Diagnostics.Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The value of <c>ConnectionStrings:Redis</c> that reaches this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => process is { HasExited: false };

    /// <summary>Starts a server, or skips the calling test when there is no redis-server.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        // Another test run may take the port between asking for it and binding it: then try another.
        for (var attempt = 1; ; attempt++)
        {
            var server = NotStarted();
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>A server on a free port that is not started yet (nothing answers there until <see cref="RestartAsync"/>).</summary>
    public static RedisServer NotStarted()
    {
        if (!File.Exists(Binary))
        {
            Assert.Skip($"redis-server not found at {Binary}: apt-get install redis-server");
        }

        var server = new RedisServer(FreePort());
        Directory.CreateDirectory(server.directory);
        return server;
    }

    /// <summary>Kills the server (SIGKILL: clients see the connection drop, as in a crash) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill();
            await running.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Starts the server again on the same port (empty: it saves nothing) and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        process?.Dispose();
        var start = new ProcessStartInfo(Binary,
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", directory, "--daemonize", "no", "--loglevel", "warning"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await AnswersPingAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not come up (exited: {process.HasExited}).");
            }

            await Task.Delay(20);
        }

        // Someone else's server on the port answers too; ours then exits at once, unable to bind it.
        await Task.Delay(100);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"redis-server could not take port {Port}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill();
            await running.WaitForExitAsync();
        }

        process?.Dispose();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
