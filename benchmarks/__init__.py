"""Speed and memory figures for Desktop Chat: `python -m benchmarks [--quick] [--json PATH]`.

Every figure runs in its own child process (offscreen Qt, a throwaway DESKTOP_CHAT_HOME, the
in-memory test keyring, loopback fakes only, the tests' network guard installed), and every
speed figure is compared with a baseline measured in the same child, interleaved with it, so
that the noise of a shared 2-core machine hits both alike. One module per figure:

    start             process start → window painted and event loop idle, vs a bare QMainWindow
    memory            RSS with the window idle and one conversation open
    stream            20,000 tokens into the real window vs the SDK alone; worst loop stall
    render            MessageView cost per 1,000 tokens at the end of a long answer vs the start
    first_token       Enter → first token painted vs SDK request → first token
    open_conversation open a 5,000-message conversation: newest messages painted
    tree              a 5,000-message branch with versions: opened (painted); switched at store level
    switch            switch a version in the window: the new branch's first screen painted
    migrate           upgrade a 100,000-message history (0004 → the newest), backup included
    conversation_list 10,000 conversations: list reloaded and painted
    search            store.search / search_conversations over 100,000 messages
    pdf               DocumentLibrary.attach on 300 pages vs pymupdf alone; worst loop stall
    stop              Stop → the server sees the connection closed
    bundle            not yet

A budget missed is reported, not raised: the command exits 0 unless a benchmark crashed.
"""
