using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Portal.IntegrationTests.Realtime;

/// <summary>
/// A SignalR client that subscribes and then never reads again, with a tiny socket receive buffer: the server's
/// sends to it back up within a few hundred messages. (The .NET client cannot play this part: it keeps reading
/// into its own queue while a handler blocks.)
/// </summary>
internal sealed class FrozenHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket socket = new();

    public WebSocketState State => socket.State;

    public long BytesRead { get; private set; }

    public static async Task<FrozenHubClient> ConnectAsync(Uri baseAddress, string cookie, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        using var negotiate = await http.PostAsync("/hubs/deliveries/negotiate?negotiateVersion=1", null, cancellationToken);
        using var document = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync(cancellationToken));
        var token = document.RootElement.GetProperty("connectionToken").GetString();

        var client = new FrozenHubClient();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await tcp.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        var uri = new UriBuilder(new Uri(baseAddress, $"/hubs/deliveries?id={token}")) { Scheme = "ws" }.Uri;
        client.socket.Options.SetRequestHeader("Cookie", cookie);
        await client.socket.ConnectAsync(uri, new HttpMessageInvoker(handler), cancellationToken);

        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}", cancellationToken);
        var buffer = new byte[1024];
        await client.socket.ReceiveAsync(buffer, cancellationToken);
        await client.SendAsync("{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[null]}", cancellationToken);
        return client;
    }

    /// <summary>Reads until the server closes the connection (true) or the timeout passes (false).</summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancel.Token);
                BytesRead += result.Count;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
        }
        catch (WebSocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        socket.Abort();
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task SendAsync(string message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);
}
