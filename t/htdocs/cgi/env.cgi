#!/usr/bin/perl
# Prints the CGI environment, one VAR=value per line, sorted.  Backslash,
# CR and LF in values are escaped (\\, \r, \n) so PEM data stays on a line.
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
for my $k (sort keys %ENV) {
    my $v = $ENV{$k};
    $v =~ s/\\/\\\\/g;
    $v =~ s/\r/\\r/g;
    $v =~ s/\n/\\n/g;
    print "$k=$v\n";
}
