using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryApiRequestTests
{
    private const string Path = "api/0/sentry-app-installations/a8e5d37a-696c-4c54-adb5-b3f28d64c7de/";

    [Fact]
    public void A_request_carries_its_method_relative_path_JSON_accept_header_bearer_and_operation()
    {
        using var request = SentryApiRequest.Create("reading the installation", HttpMethod.Get, Path, "token-value");

        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(new Uri(Path, UriKind.Relative), request.RequestUri);
        Assert.Equal("application/json", Assert.Single(request.Headers.Accept).ToString());
        Assert.Equal("Bearer token-value", request.Headers.Authorization!.ToString());
        Assert.Equal("reading the installation", SentryApiRequest.OperationOf(request));
        Assert.Null(request.Content);
    }

    [Fact]
    public async Task A_body_is_compact_JSON_in_the_order_written_with_a_bare_JSON_content_type()
    {
        using var request = SentryApiRequest.Create("the token exchange", HttpMethod.Post, Path + "authorizations/", writeBody: writer =>
        {
            writer.WriteString("grant_type", "authorization_code");
            writer.WriteString("code", "c0de");
            writer.WriteNumber("issueId", 42);
        });

        var bytes = await request.Content!.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal("{\"grant_type\":\"authorization_code\",\"code\":\"c0de\",\"issueId\":42}"u8.ToArray(), bytes);
        Assert.Equal("application/json", request.Content.Headers.ContentType!.ToString());
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task A_body_can_be_read_again_for_a_second_attempt()
    {
        using var request = SentryApiRequest.Create("updating the issue's status", HttpMethod.Put, "api/0/organizations/5/issues/7/", "t",
            writer => writer.WriteString("status", "resolved"));

        var first = await request.Content!.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var second = await request.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("{\"status\":\"resolved\"}", first);
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("/api/0/organizations/5/issues/7/")]
    [InlineData("https://attacker.example/api/0/")]
    public void A_path_that_would_leave_the_base_address_is_refused(string path)
    {
        Assert.Throws<ArgumentException>(() => SentryApiRequest.Create("reading the issue", HttpMethod.Get, path, "t"));
    }

    [Fact]
    public void A_request_built_elsewhere_is_named_as_a_call_to_Sentry()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);

        Assert.Equal("a call to Sentry", SentryApiRequest.OperationOf(request));
    }
}
