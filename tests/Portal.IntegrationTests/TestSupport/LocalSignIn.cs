using System.Text.RegularExpressions;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// Signs a client in the way a developer does in Development without <c>SignIn:*</c>: the sign-in page's form,
/// antiforgery token included. The client must keep cookies (WebApplicationFactory clients do).
/// </summary>
internal static partial class LocalSignIn
{
    public static async Task SignInAsync(HttpClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync("/signin", cancellationToken);
        var token = AntiforgeryTokenOf(page);
        using var response = await client.PostAsync("/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["returnUrl"] = "/",
        }), cancellationToken);
        if (!response.IsSuccessStatusCode && (int)response.StatusCode is < 300 or >= 400)
        {
            throw new InvalidOperationException($"Local sign-in failed: {response.StatusCode}");
        }
    }

    /// <summary>The antiforgery token a server-rendered form carries.</summary>
    public static string AntiforgeryTokenOf(string page) => AntiforgeryField().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
