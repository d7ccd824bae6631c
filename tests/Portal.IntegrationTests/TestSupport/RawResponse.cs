using System.Net;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>The status line and headers a <see cref="RawHttpConnection"/> read.</summary>
internal sealed record RawResponse(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers);
