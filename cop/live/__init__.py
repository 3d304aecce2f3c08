"""Live group rooms: the weekly peer integration meeting over Socket.IO."""
