using Portal.Data.Entities;
using Portal.StacktraceLinks;

namespace Portal.Tests.StacktraceLinks;

/// <summary>How a stack frame becomes a URL in the team's code host, and what is refused on the way.</summary>
public sealed class StackFrameLinkTests
{
    private static readonly string[] Hosts = [.. StacktraceLinkOptions.DefaultHosts, "git.acme.internal"];

    [Theory]
    [InlineData("https://github.com/acme/web/blob/main/{path}#L{line}", "src/components/Cart.tsx", 42, "https://github.com/acme/web/blob/main/src/components/Cart.tsx#L42")]
    [InlineData("https://gitlab.com/acme/web/-/blob/main/{path}#L{line}", "src/My Components/Café.tsx", 7, "https://gitlab.com/acme/web/-/blob/main/src/My%20Components/Caf%C3%A9.tsx#L7")]
    [InlineData("https://bitbucket.org/acme/web/src/main/{path}#lines-{line}", "node_modules/@scope/pkg/index.js", 3, "https://bitbucket.org/acme/web/src/main/node_modules/%40scope/pkg/index.js#lines-3")]
    [InlineData("https://github.com/acme/web/blob/main/{path}#L{line}", "a/b/c/d/e/f.py", null, "https://github.com/acme/web/blob/main/a/b/c/d/e/f.py")]
    [InlineData("https://git.acme.internal/web/{path}?plain=1&line={line}", "lib/x?y#z.rb", 9, "https://git.acme.internal/web/lib/x%3Fy%23z.rb?plain=1&line=9")]
    public void Templates_of_each_code_host_take_the_path_percent_encoded_and_the_line(string template, string path, int? line, string expected)
    {
        Assert.Null(CodeUrlTemplate.Problem(template, Hosts));

        Assert.Equal(expected, CodeUrlTemplate.Build(template, path, line));
    }

    [Theory]
    [InlineData("webpack:///src/app.js", "webpack:///", "", "src/app.js")]
    [InlineData("webpack:///src/app.js", "webpack:///src/", "frontend/src", "frontend/src/app.js")]
    [InlineData("app:///main.js", "app:///", "dist/", "dist/main.js")]
    [InlineData("node_modules/@scope/x.js", "", "", "node_modules/@scope/x.js")]
    [InlineData(@"C:\src\Acme.Web\Program.cs", @"C:\src\", "", "Acme.Web/Program.cs")]
    [InlineData("/app/checkout/views.py", "/app/", "services/checkout/", "services/checkout/checkout/views.py")]
    [InlineData("webpack:///./src/index.ts", "", "web", "web/src/index.ts")]
    public void Real_frame_shapes_map_to_repository_paths(string fileName, string stackRoot, string sourceRoot, string expected)
    {
        var (frame, problem) = StackFrame.Parse(fileName, "10");
        Assert.Null(problem);

        var resolved = CodeMappingResolver.Resolve([Mapping(stackRoot, sourceRoot)], frame!, "front-end");

        Assert.Equal(expected, resolved!.Value.Path);
    }

    [Fact]
    public void A_projects_mapping_beats_the_organizations_and_a_longer_stack_root_beats_a_shorter()
    {
        var (frame, _) = StackFrame.Parse("webpack:///src/app/cart.js", "1");
        CodeMapping[] mappings =
        [
            Mapping("webpack:///", "org-wide/"),
            Mapping("webpack:///src/", "org-src/"),
            Mapping("webpack:///", "project/", project: "front-end"),
            Mapping("webpack:///src/app/", "other-project/", project: "back-end"),
        ];

        Assert.Equal("project/src/app/cart.js", CodeMappingResolver.Resolve(mappings, frame!, "front-end")!.Value.Path);
        Assert.Equal("org-src/app/cart.js", CodeMappingResolver.Resolve(mappings, frame!, "mobile")!.Value.Path);
        Assert.Equal("org-src/app/cart.js", CodeMappingResolver.Resolve(mappings, frame!, null)!.Value.Path);
        Assert.Null(CodeMappingResolver.Resolve([Mapping("app:///", "")], frame!, "front-end"));
    }

    [Theory]
    [InlineData("", "1")]
    [InlineData("src/../../etc/passwd", "1")]
    [InlineData("src/%2e%2e/secret", "1")]
    [InlineData(@"src\..\secret", "1")]
    [InlineData("a\u0000b.js", "1")]
    [InlineData("a%0d%0aLocation:%20https://evil.example/.js", "1")]
    [InlineData("app.js", "0")]
    [InlineData("app.js", "-1")]
    [InlineData("app.js", "1e9")]
    [InlineData("app.js", "1;x")]
    [InlineData("app.js", "10000001")]
    public void Frames_design_md_rejects_are_refused(string fileName, string lineNo)
    {
        var (frame, problem) = StackFrame.Parse(fileName, lineNo);

        Assert.Null(frame);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_frame_longer_than_1024_characters_is_refused_and_one_of_1024_is_not()
    {
        Assert.Null(StackFrame.Parse(new string('a', 1025), "1").Frame);
        Assert.NotNull(StackFrame.Parse(new string('a', 1024), "1").Frame);
    }

    [Theory]
    [InlineData("http://github.com/acme/web/blob/main/{path}")]
    [InlineData("https://{path}/x")]
    [InlineData("https://github.com{path}")]
    [InlineData("https://github.com/{path}/{path}")]
    [InlineData("https://github.com/acme/web/blob/main/")]
    [InlineData("https://evil.example/{path}")]
    [InlineData("https://user@github.com/{path}")]
    [InlineData("https://github.com/{branch}/{path}")]
    [InlineData("javascript:alert(1)//{path}")]
    [InlineData("https://github.com/a b/{path}")]
    public void Templates_that_could_leave_their_origin_or_are_not_https_are_refused(string template)
    {
        Assert.NotNull(CodeUrlTemplate.Problem(template, Hosts));
    }

    private static CodeMapping Mapping(string stackRoot, string sourceRoot, string? project = null) => new()
    {
        OrganizationId = 42,
        ProjectSlug = project,
        StackRoot = stackRoot,
        SourceRoot = sourceRoot,
        UrlTemplate = "https://github.com/acme/web/blob/main/{path}#L{line}",
        CreatedBy = "test",
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
