using Portal.Dashboard;

namespace Portal.Tests.Dashboard;

public sealed class LineDiffTests
{
    [Fact]
    public void Identical_texts_have_only_unchanged_lines()
    {
        var diff = LineDiff.Compare("a\nb", "a\nb");

        Assert.All(diff, line => Assert.Equal(DiffKind.Same, line.Kind));
    }

    [Fact]
    public void A_changed_line_is_a_removal_and_an_addition_between_the_unchanged_ones()
    {
        var diff = LineDiff.Compare("{\n  \"status\": \"unresolved\",\n  \"id\": 1\n}", "{\n  \"status\": \"resolved\",\n  \"id\": 1\n}");

        Assert.Equal(
            [(DiffKind.Same, "{"), (DiffKind.Removed, "  \"status\": \"unresolved\","), (DiffKind.Added, "  \"status\": \"resolved\","), (DiffKind.Same, "  \"id\": 1"), (DiffKind.Same, "}")],
            diff.Select(l => (l.Kind, l.Text)));
    }

    [Fact]
    public void Long_unchanged_runs_are_folded_keeping_three_lines_of_context()
    {
        var before = string.Join('\n', Enumerable.Range(0, 20).Select(i => $"line {i}"));
        var after = before.Replace("line 10", "line ten", StringComparison.Ordinal);

        var diff = LineDiff.Compare(before, after);

        Assert.Equal(7, diff[0].Skipped);
        Assert.Equal(["line 7", "line 8", "line 9"], diff.Skip(1).Take(3).Select(l => l.Text));
        Assert.Equal((DiffKind.Removed, "line 10"), (diff[4].Kind, diff[4].Text));
        Assert.Equal((DiffKind.Added, "line ten"), (diff[5].Kind, diff[5].Text));
        Assert.Equal(6, diff[^1].Skipped);
    }

    [Fact]
    public void Inserted_lines_keep_the_rest_aligned()
    {
        var diff = LineDiff.Compare("a\nb\nc", "a\nx\nb\nc");

        Assert.Equal([DiffKind.Same, DiffKind.Added, DiffKind.Same, DiffKind.Same], diff.Select(l => l.Kind));
    }
}
