#!/usr/bin/perl
# Reads the request body and answers with its length and SHA-256.
use strict;
use warnings;
use Digest::SHA ();

binmode STDIN;
my $sha = Digest::SHA->new(256);
my $len = 0;
while (1) {
    my $n = read(STDIN, my $buf, 65536);
    die "read: $!" unless defined $n;
    last if $n == 0;
    $len += $n;
    $sha->add($buf);
}
print "Content-Type: text/plain\r\n\r\n";
print "length=$len\nsha256=", $sha->hexdigest, "\n";
