using SetHub.Grains.Tenants;
using SetHub.Snapshots;

namespace SetHub.Tests.Snapshots;

/// <summary>
/// A silo's leased snapshot of a tenant part, driven by hand: each fetch waits until the test answers it, so renewals
/// and invalidations interleave exactly as they can between a silo and its tenant grain.
/// </summary>
public sealed class LeasedSnapshotTests
{
    private readonly LeasedSnapshot<string, string> _snapshot = new();
    private readonly List<(string? Known, TaskCompletionSource<SnapshotAnswer<string>> Answer)> _fetches = [];

    [Fact]
    public async Task Callers_DuringOneRenewal_ShareIt()
    {
        var first = Refresh();
        var second = Refresh();

        Answer(0, "v1");

        Assert.Single(_fetches);
        Assert.Equal("v1", await first);
        Assert.Equal("v1", await second);
        Assert.True(_snapshot.IsFresh(System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    [Fact]
    public async Task Caller_AfterAnInvalidation_IsNotGivenTheRenewalThatBeganBeforeIt()
    {
        // The renewal in flight reads the tenant before a receiver is added; the tenant then tells this silo (v2),
        // answers the admin call, and the new receiver's first request must see it.
        var before = Refresh();
        Assert.True(_snapshot.Invalidate("v2"));
        var after = Refresh();

        Assert.Equal(2, _fetches.Count);
        Answer(0, "v1");
        Assert.Equal("v1", await before);
        Answer(1, "v2");
        Assert.Equal("v2", await after);
        Assert.Equal("v2", _snapshot.View);
    }

    [Fact]
    public async Task Renewal_OvertakenByANewerOne_DoesNotBringBackItsOlderView()
    {
        var before = Refresh();
        _snapshot.Invalidate("v2");
        var after = Refresh();

        Answer(1, "v2");
        Assert.Equal("v2", await after);
        Answer(0, "v1");
        Assert.Equal("v2", await before); // it overlapped the change: the newer view answers it as well
        Assert.Equal("v2", _snapshot.View);
        Assert.True(_snapshot.IsFresh(System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    [Fact]
    public async Task InvalidationDuringARenewal_LeavesTheSnapshotToBeAskedForAgain()
    {
        var running = Refresh();
        _snapshot.Invalidate("v2");

        Answer(0, "v1");

        Assert.Equal("v1", await running);
        Assert.False(_snapshot.IsFresh(System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    [Fact]
    public async Task UnchangedAnswer_KeepsTheViewAndRenewsTheLease()
    {
        var first = Refresh();
        Answer(0, "v1");
        await first;
        _snapshot.Invalidate("v-other");

        var again = Refresh();
        Assert.Equal("v1", _fetches[1].Known);
        _fetches[1].Answer.SetResult(new SnapshotAnswer<string>(true, "v1", null));

        Assert.Equal("v1", await again);
        Assert.True(_snapshot.IsFresh(System.Diagnostics.Stopwatch.GetTimestamp()));
        Assert.False(_snapshot.Invalidate("v1"));
    }

    [Fact]
    public async Task MissingTenant_IsNull()
    {
        var refresh = Refresh();
        _fetches[0].Answer.SetResult(new SnapshotAnswer<string>(false, "none", null));

        Assert.Null(await refresh);
        Assert.Null(_snapshot.View);
    }

    private Task<string?> Refresh() => _snapshot.RefreshAsync(
        known =>
        {
            var answer = new TaskCompletionSource<SnapshotAnswer<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _fetches.Add((known, answer));
            return answer.Task;
        },
        snapshot => snapshot);

    private void Answer(int fetch, string version) =>
        _fetches[fetch].Answer.SetResult(new SnapshotAnswer<string>(true, version, version));
}
