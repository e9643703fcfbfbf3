latest
