using FastMail.Storage.Index;

namespace FastMail.Tests.Storage;

public sealed class MailIndexTests
{
    [Fact]
    public void MessagesCommittedOutOfOrderAreListedInIdOrder()
    {
        var index = new MailIndex();
        foreach (var id in new long[] { 300, 100, 200, 400 })
        {
            index.Add(Message(id), ["alice"]);
        }

        var snapshot = index.TryLock("alice");

        Assert.Equal([100L, 200, 300, 400], snapshot!.Select(m => m.Id));
    }

    [Fact]
    public void ReferenceCountFollowsTheMailboxesThatListTheMessage()
    {
        var index = new MailIndex();
        var message = Message(64);
        index.Add(message, ["alice", "bob", "carol"]);
        Assert.Equal(3, message.ReferenceCount);

        Assert.Null(index.Remove("alice", [64]));
        Assert.Equal(2, message.ReferenceCount);
        Assert.Null(index.Remove("bob", [64]));
        Assert.Null(index.Remove("carol", [64]));
        Assert.Equal(0, message.ReferenceCount);
    }

    [Fact]
    public void RemovingAnIdTheMailboxDoesNotHoldReportsItAndChangesNothing()
    {
        var index = new MailIndex();
        var message = Message(64);
        index.Add(message, ["alice"]);

        Assert.Equal([99L], index.Remove("alice", [99]));
        Assert.Equal([64L], index.Remove("nobody", [64]));
        Assert.Equal(1, message.ReferenceCount);
        Assert.Single(index.TryLock("alice")!);
    }

    [Fact]
    public void LockIsPerMailboxAndSnapshotIsACopy()
    {
        var index = new MailIndex();
        index.Add(Message(64), ["alice"]);

        var snapshot = index.TryLock("alice");
        Assert.Null(index.TryLock("alice"));
        Assert.Empty(index.TryLock("bob")!);
        index.Add(Message(128), ["alice"]);

        Assert.Single(snapshot!);
        index.Unlock("alice");
        Assert.Equal(2, index.TryLock("alice")!.Length);
    }

    private static StoredMessage Message(long id) => new(id, 10, 1, new BodyLocation(id, 30, null, 0));
}
