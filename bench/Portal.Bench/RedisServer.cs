using System.Diagnostics;
using System.Net.Sockets;

namespace Portal.Bench;

/// <summary>A throw-away redis-server on a free loopback port, without persistence, for two-instance runs.</summary>
internal sealed class RedisServer : IDisposable
{
    private readonly Process process;

    private RedisServer(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => process.Id;

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server).");
        }

        var port = ChildServer.FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return server;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException)
            {
                server.Dispose();
                throw new InvalidOperationException("redis-server did not start listening within 10 s.");
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
