using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.StacktraceLinks;

/// <summary>
/// <c>GET /sentry/stacktrace-link</c> against the real host: mapped frames redirect into the code host, and no
/// input — the T-U5 corpus of reliability.md and 10,000 random strings — ever produces a Location outside the
/// configured template's origin.
/// </summary>
public sealed class StacktraceLinkTests : IAsyncLifetime
{
    private const string Installation = "a8e5d37a-696c-4c54-adb5-b3f28d64c7de";
    private const string Template = "https://github.com/acme/web/blob/main/{path}#L{line}";

    private readonly PortalFactory portal = new();
    private HttpClient browser = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        portal.Settings["StacktraceLinks:PermitsPerMinute"] = "1000000";
        browser = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await portal.AddOrganizationAsync(5, "test-org");
        await using var db = portal.OpenDatabase();
        db.Installations.Add(new Installation { Uuid = Guid.Parse(Installation), AppSlug = "acme-portal", OrganizationId = 5, Status = InstallationStatus.Installed, InstalledAt = DateTimeOffset.UtcNow });
        db.CodeMappings.AddRange(
            Mapping("webpack:///", "frontend/", null),
            Mapping("app:///", "mobile/", "mobile-app"),
            Mapping(@"C:\src\", "backend/", null));
        await db.SaveChangesAsync(Cancel);
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Theory]
    [InlineData("webpack:///src/app.js", "12", "front-end", "https://github.com/acme/web/blob/main/frontend/src/app.js#L12")]
    [InlineData("webpack:///./src/My Components/Café.tsx", "3", "front-end", "https://github.com/acme/web/blob/main/frontend/src/My%20Components/Caf%C3%A9.tsx#L3")]
    [InlineData("app:///main.js", "1", "mobile-app", "https://github.com/acme/web/blob/main/mobile/main.js#L1")]
    [InlineData(@"C:\src\Acme.Web\Program.cs", "88", "backend", "https://github.com/acme/web/blob/main/backend/Acme.Web/Program.cs#L88")]
    [InlineData("webpack:///node_modules/@scope/x/index.js", "", "front-end", "https://github.com/acme/web/blob/main/frontend/node_modules/%40scope/x/index.js")]
    public async Task A_mapped_frame_redirects_to_the_file_and_line_in_the_code_host(string fileName, string line, string project, string expected)
    {
        using var response = await browser.GetAsync(Link(fileName, line, Installation, project), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.AbsoluteUri);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_frame_no_mapping_covers_gets_a_page_that_shows_it_and_tells_an_anonymous_visitor_whom_to_ask()
    {
        using var response = await browser.GetAsync(Link("/usr/lib/python3/site.py", "5", Installation, "back-end"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("No code mapping for this file", page, StringComparison.Ordinal);
        Assert.Contains("/usr/lib/python3/site.py", page, StringComparison.Ordinal);
        Assert.Contains("Ask an owner, manager or admin of your Sentry organization", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"add-mapping\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_admin_of_the_organization_is_offered_to_add_a_mapping_for_the_frame()
    {
        var admin = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await LocalSignIn.SignInAsync(admin, Cancel);

        var page = await admin.GetStringAsync(Link("/usr/lib/python3/site.py", "5", Installation, "back-end"), Cancel);

        Assert.Contains("href=\"/code-mappings?organization=5&amp;project=back-end&amp;file=%2Fusr%2Flib%2Fpython3%2Fsite.py\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ffffffff-0000-4000-8000-000000000000")]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    public async Task An_unknown_installation_is_404(string installation)
    {
        using var response = await browser.GetAsync(Link("webpack:///src/app.js", "1", installation, null), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // reliability.md T-U5, adapted to design.md §5 (\, @ and : are legitimate inside a path once encoded).
    public static TheoryData<string, string, string> HostileInputs()
    {
        string[] fileNames =
        [
            "//evil.com", "/\\evil.com", "\\\\evil.com", "https://evil.com", "https:evil.com", "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>", "%2F%2Fevil.com", "%252F%252Fevil.com", "/%09/evil.com", "\t//evil.com",
            "//evil.com@good", "good@evil.com", "..%2F..%2F", "../../etc/passwd", "／／evil.com", "%0d%0aLocation:%20https://evil.com",
            "\r\nLocation: https://evil.com", "a\u0000b", new string('a', 2000), "webpack:///%2e%2e/%2e%2e/secret", "webpack:///src/..\\..\\x",
            "webpack:///https://evil.com", "webpack:////evil.com", "webpack:///\\\\evil.com", "webpack:///@evil.com", "webpack:///:@evil.com",
            "webpack:///src/app.js#@evil.com", "webpack:///src/app.js?next=https://evil.com", "webpack:///%00", "webpack:///\u202Eevil.com",
            "webpack:///\u3002evil\u3002com", "webpack:///%E2%80%AEmoc.live", "webpack:///src/%2F%2Fevil.com", "webpack:///src/%5C%5Cevil.com",
            "webpack:///src/\u0085x", "app:///../../x", "C:\\src\\..\\..\\Windows\\win.ini", "C:\\src\\x\\..\\y", "\\\\?\\C:\\src\\x",
            "file:///etc/passwd", "webpack:///src/x.js\u2028", "webpack:///src/x.js%2523", "webpack:///src/x%3F.js", "webpack:///src/%",
            "webpack:///src/%zz", "webpack:///src/%C0%AF", "webpack:///src/\uD800", "webpack:///" + new string('/', 1000),
            "webpack:///src/<script>alert(1)</script>.js", "webpack:///src/\"onmouseover=alert(1).js", "webpack:///src/'.js",
            "webpack:///src/`.js", "webpack:///src/ .js", "webpack:///src/.%2e/x", "webpack:///src/.%2E/x", "webpack:///src/%2e./x",
            " //evil.com", "webpack:///src/\u000bx", "webpack:///src/x.js\u007f",
        ];
        var data = new TheoryData<string, string, string>();
        foreach (var fileName in fileNames)
        {
            data.Add(fileName, "12", Installation);
        }

        foreach (var line in new[] { "-1", "1e9", "1;x", "0", "10000001", "99999999999999999999", " 1", "1 ", "%31", "0x10", "１", "NaN" })
        {
            data.Add("webpack:///src/app.js", line, Installation);
        }

        foreach (var installation in new[] { "../../", "a8e5d37a-696c-4c54-adb5-b3f28d64c7de%00", "{a8e5d37a-696c-4c54-adb5-b3f28d64c7de}x", "' or 1=1--" })
        {
            data.Add("webpack:///src/app.js", "1", installation);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task No_hostile_input_gets_a_location_outside_the_templates_origin(string fileName, string line, string installation)
    {
        using var response = await browser.GetAsync(Link(fileName, line, installation, "front-end"), Cancel);

        AssertSafe(response);
    }

    [Fact]
    public async Task Ten_thousand_random_inputs_never_get_a_location_outside_the_templates_origin()
    {
        Assert.True(HostileInputs().Count >= 60);
        var random = new Random(20261127);
        const string Alphabet = "abcXYZ019/\\.:@%?#&=+ ~-_'\"<>{}|^`[]\t\r\n\0\u00e9\u202e\uff0f\u3002";
        var statuses = new HashSet<HttpStatusCode>();
        for (var i = 0; i < 10_000; i++)
        {
            var prefix = random.Next(4) switch { 0 => "webpack:///", 1 => "app:///", 2 => @"C:\src\", _ => "" };
            var fileName = prefix + new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            var line = random.Next(5) == 0 ? new string([.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]) : random.Next(-5, 20_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var response = await browser.GetAsync(Link(fileName, line, Installation, random.Next(2) == 0 ? "mobile-app" : "front-end"), Cancel);
            AssertSafe(response);
            statuses.Add(response.StatusCode);
        }

        // The corpus reached every outcome: redirects, refusals and the no-mapping page.
        Assert.Contains(HttpStatusCode.Redirect, statuses);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
    }

    [Fact]
    public async Task Too_many_requests_from_one_address_get_429_with_retry_after()
    {
        await using var limited = new PortalFactory();
        limited.Settings["StacktraceLinks:PermitsPerMinute"] = "5";
        var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 7; i++)
        {
            last?.Dispose();
            last = await client.GetAsync(Link("webpack:///src/app.js", "1", Installation, null), Cancel);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 5).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
        Assert.Equal(TimeSpan.FromSeconds(60), last!.Headers.RetryAfter?.Delta);
        last.Dispose();
    }

    private static void AssertSafe(HttpResponseMessage response)
    {
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Redirect, HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.OK });
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            var location = response.Headers.Location!;
            Assert.True(location.IsAbsoluteUri, location.OriginalString);
            Assert.Equal("https://github.com", location.GetLeftPart(UriPartial.Authority));
            Assert.StartsWith("/acme/web/blob/main/", location.AbsolutePath, StringComparison.Ordinal);
            Assert.DoesNotContain(location.OriginalString, c => c is '\r' or '\n' or '\0' or ' ' or '\\');
        }
        else
        {
            Assert.Null(response.Headers.Location);
        }
    }

    private static string Link(string fileName, string line, string installation, string? project) =>
        new StringBuilder("/sentry/stacktrace-link?filename=").Append(Uri.EscapeDataString(fileName))
            .Append("&installationId=").Append(Uri.EscapeDataString(installation))
            .Append("&lineNo=").Append(Uri.EscapeDataString(line))
            .Append(project is null ? "" : "&projectSlug=" + Uri.EscapeDataString(project)).ToString();

    private static CodeMapping Mapping(string stackRoot, string sourceRoot, string? project) => new()
    {
        OrganizationId = 5, ProjectSlug = project, StackRoot = stackRoot, SourceRoot = sourceRoot, UrlTemplate = Template,
        CreatedBy = "test", CreatedAt = DateTimeOffset.UtcNow,
    };
}
