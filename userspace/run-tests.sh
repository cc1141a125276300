#!/bin/sh
./evobj_tests
