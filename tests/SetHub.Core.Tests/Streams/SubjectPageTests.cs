using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Core.Tests.Streams;

public sealed class SubjectPageTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static StreamSubjectRow Row(string key, int second) =>
        new("acme", key, "s1", key, "{}", Included: true, Verified: true, Now.AddSeconds(second));

    [Fact]
    public void Pages_WalkEverySubjectOnce_InOrder_AndEndWithoutACursor()
    {
        StreamSubjectRow[] rows = [Row("a", 0), Row("b", 0), Row("c", 1), Row("d", 2), Row("e", 3)];
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = SubjectPage.Of(rows, 2, cursor).Value!;
            seen.AddRange(page.Subjects.Select(row => row.SubjectKey));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public void ACursor_StaysValid_WhenSubjectsAreAddedOrRemovedBetweenPages()
    {
        var first = SubjectPage.Of([Row("a", 0), Row("b", 1), Row("c", 2)], 1, null).Value!;

        var next = SubjectPage.Of([Row("b", 1), Row("c", 2), Row("d", 3)], 10, first.NextCursor).Value!; // "a" removed, "d" added

        Assert.Equal(["b", "c", "d"], next.Subjects.Select(row => row.SubjectKey));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1001, null)]
    [InlineData(10, "not-a-cursor!")]
    [InlineData(10, "bm8tc2VwYXJhdG9y")] // base64url of "no-separator"
    public void ABadLimitOrCursor_IsRefused(int limit, string? cursor) =>
        Assert.False(SubjectPage.Of([Row("a", 0)], limit, cursor).IsSuccess);
}
