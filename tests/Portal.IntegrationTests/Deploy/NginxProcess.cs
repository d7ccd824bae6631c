using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.IntegrationTests.Deploy;

/// <summary>
/// Debian's nginx running <c>deploy/nginx/portal.conf</c> as shipped, with only the two upstream addresses and the
/// listen port swapped for loopback ones, in the foreground, everything it writes in a temp folder.
/// </summary>
internal sealed class NginxProcess : IAsyncDisposable
{
    public const string NginxPath = "/usr/sbin/nginx";

    private static readonly string[] TempPaths = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

    private readonly System.Diagnostics.Process process;
    private readonly string directory;

    private NginxProcess(System.Diagnostics.Process process, string directory, Uri baseAddress)
    {
        this.process = process;
        this.directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string AccessLog => ReadShared(Path.Combine(directory, "access.log"));

    public string ErrorLog => ReadShared(Path.Combine(directory, "error.log"));

    public static bool IsInstalled => File.Exists(NginxPath);

    public static async Task<NginxProcess> StartAsync(Uri portalA, Uri portalB)
    {
        ArgumentNullException.ThrowIfNull(portalA);
        ArgumentNullException.ThrowIfNull(portalB);
        var directory = Directory.CreateTempSubdirectory("portal-nginx-").FullName;
        var port = FreePort();
        var site = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "nginx", "portal.conf"));
        site = Swap(site, "server portal-a:8080", $"server 127.0.0.1:{portalA.Port}");
        site = Swap(site, "server portal-b:8080", $"server 127.0.0.1:{portalB.Port}");
        site = Swap(site, "listen 80;", $"listen 127.0.0.1:{port};");
        File.WriteAllText(Path.Combine(directory, "portal.conf"), site);

        // The http block the nginx image's own nginx.conf would wrap around conf.d/default.conf, with every path
        // nginx writes moved out of /var and /run.
        var temp = string.Join(Environment.NewLine, TempPaths.Select(kind => $"    {kind}_temp_path {Path.Combine(directory, kind)};"));
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            daemon off;
            worker_processes 1;
            pid {{Path.Combine(directory, "nginx.pid")}};
            error_log {{Path.Combine(directory, "error.log")}} info;
            events { worker_connections 512; }
            http {
                access_log {{Path.Combine(directory, "access.log")}};
            {{temp}}
                include {{Path.Combine(directory, "portal.conf")}};
            }
            """);

        var start = new ProcessStartInfo(NginxPath, ["-p", directory + "/", "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = System.Diagnostics.Process.Start(start)!;
        var nginx = new NginxProcess(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var error = nginx.ErrorLog + await process.StandardError.ReadToEndAsync();
                await nginx.DisposeAsync();
                throw new InvalidOperationException($"nginx did not start with deploy/nginx/portal.conf:{Environment.NewLine}{error}");
            }

            await Task.Delay(50);
        }

        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    // The test proves the shipped file, so a line it relies on that changed must fail loudly, not be skipped.
    private static string Swap(string config, string shipped, string local) =>
        config.Contains(shipped, StringComparison.Ordinal)
            ? config.Replace(shipped, local, StringComparison.Ordinal)
            : throw new InvalidOperationException($"deploy/nginx/portal.conf no longer contains \"{shipped}\"; update {nameof(NginxProcess)}.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
