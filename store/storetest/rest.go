package storetest

import "testing"

func testPosts(t *testing.T, open Opener)       {}
func testCounts(t *testing.T, open Opener)      {}
func testEvaluations(t *testing.T, open Opener) {}
func testAlerts(t *testing.T, open Opener)      {}
func testUsers(t *testing.T, open Opener)       {}
func testAudit(t *testing.T, open Opener)       {}
func testLeases(t *testing.T, open Opener)      {}
func testSettings(t *testing.T, open Opener)    {}
