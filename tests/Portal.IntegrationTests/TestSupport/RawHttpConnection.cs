using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// One HTTP/1.1 connection on a raw socket, so a test decides exactly which bytes reach the server and when: headers
/// that promise a body, part of it, then nothing.
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient client;
    private readonly NetworkStream stream;

    private RawHttpConnection(TcpClient client)
    {
        this.client = client;
        stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, baseUrl.Port, cancellationToken);
        return new RawHttpConnection(client);
    }

    /// <summary>The request line and headers of a webhook POST, with the given Content-Length and signature.</summary>
    public static byte[] WebhookHead(long contentLength, string signature) =>
        Encoding.ASCII.GetBytes(new StringBuilder()
            .Append("POST /sentry/webhook HTTP/1.1\r\n")
            .Append("Host: localhost\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\n")
            .Append("Request-ID: ").Append(Guid.NewGuid().ToString("N")).Append("\r\n")
            .Append("Sentry-Hook-Resource: issue\r\n")
            .Append("Sentry-Hook-Signature: ").Append(signature).Append("\r\n")
            .Append("\r\n")
            .ToString());

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>The status code of the response, or null when the server closed the connection without one.</summary>
    public async Task<RawResponse?> ReadResponseHeadAsync(CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[1];
        while (!EndsWithBlankLine(received))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                return null;
            }

            received.Add(buffer[0]);
        }

        var lines = Encoding.ASCII.GetString([.. received]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawResponse(status, headers);
    }

    /// <summary>True once the server has closed its side (a read returns nothing); false if it has not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        client.Dispose();
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';
}
