using System.Net.Http.Headers;
using System.Text.Json;

namespace Portal.SentryPlatform;

/// <summary>
/// Builds every request the portal sends to Sentry's API: the method, a path relative to <c>Sentry:BaseUrl</c>,
/// <c>Accept: application/json</c>, the bearer token when the call has one, and the JSON body exactly as
/// sentry-contract.md §1 and §6 show it. The operation's name travels in the request's options, for the handlers
/// that report on the call in words.
/// </summary>
internal static class SentryApiRequest
{
    public static readonly HttpRequestOptionsKey<string> OperationKey = new("Portal.SentryPlatform.Operation");

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <param name="operation">What the call does, in words (<c>the token refresh</c>); errors and logs name it.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">Relative to the base address, without a leading slash, so a Sentry under a path prefix keeps it.</param>
    /// <param name="bearer">The token for <c>Authorization: Bearer</c>; null for calls that authenticate in the body.</param>
    /// <param name="writeBody">Writes the body's properties in the contract's order; null for a call without a body.</param>
    public static HttpRequestMessage Create(
        string operation, HttpMethod method, string path, string? bearer = null, Action<Utf8JsonWriter>? writeBody = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.StartsWith('/') || !Uri.IsWellFormedUriString(path, UriKind.Relative))
        {
            throw new ArgumentException($"'{path}' is not a path relative to Sentry:BaseUrl.", nameof(path));
        }

        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Options.Set(OperationKey, operation);
        request.Headers.Accept.Add(AcceptJson);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (writeBody is not null)
        {
            request.Content = JsonBody(writeBody);
        }

        return request;
    }

    /// <summary>The operation <see cref="Create"/> named, or a generic name for a request built elsewhere.</summary>
    public static string OperationOf(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(OperationKey, out var operation) ? operation : "a call to Sentry";
    }

    // Compact JSON, properties in the contract's order, and a Content-Type without a charset parameter: Sentry only
    // parses bodies whose Content-Type starts with application/json.
    private static ByteArrayContent JsonBody(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = Json;
        return content;
    }
}
